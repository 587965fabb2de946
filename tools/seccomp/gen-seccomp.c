/*
 * Generates Castellan's seccomp filter for one architecture, as the raw BPF program that
 * `bwrap --seccomp FD` loads, plus libseccomp's readable PFC listing of the same filter.
 *
 *   cc -O2 -o gen-seccomp gen-seccomp.c -lseccomp
 *   ./gen-seccomp x86_64 out.bpf out.pfc
 *
 * The filter is a deny list on top of everything else the sandbox does (no capabilities, no
 * new user namespaces, uid 1000): it removes the kernel attack surface a tool has no business
 * touching. Denied calls fail with EPERM (clone3 with ENOSYS, so libc falls back to clone, whose
 * flags the filter can inspect); a call made through a foreign architecture's ABI (32-bit
 * compat, x32) kills the process, since the rules below only name native syscall numbers.
 *
 * The output must be byte-for-byte reproducible: src/sandbox/seccomp/seccomp-filter.test.ts
 * rebuilds it and compares with the committed files. Change the lists here, regenerate with
 * tools/seccomp/regenerate.sh, and commit both.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sys/ioctl.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Kernel surface no sandboxed tool needs: filesystems, namespaces, tracing, kernel objects. */
static const char *const denied[] = {
    /* mounting and changing root */
    "mount", "umount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen",
    "fsconfig", "fsmount", "fspick", "mount_setattr",
    /* namespaces (clone with namespace flags is handled below) */
    "unshare", "setns",
    /* tracing and reading other processes */
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "kcmp",
    /* eBPF, performance counters, keyrings */
    "bpf", "perf_event_open", "keyctl", "add_key", "request_key",
    /* io_uring bypasses this very filter for the calls it performs */
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    /* kernels, modules, power */
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    "create_module", "reboot", "swapon", "swapoff",
    /* file handles bypass path checks; userfaultfd widens kernel races */
    "open_by_handle_at", "name_to_handle_at", "userfaultfd",
    /* host-wide state */
    "acct", "quotactl", "quotactl_fd", "syslog", "settimeofday", "clock_settime",
    "clock_adjtime", "adjtimex", "sethostname", "setdomainname", "iopl", "ioperm", "vhangup",
    "lookup_dcookie", "fanotify_init", "uselib", "nfsservctl", "_sysctl", "sysfs", "ustat",
    "get_kernel_syms", "query_module",
};

/* Namespace flags clone(2) may not carry: new namespaces are the sandbox's job alone. */
static const unsigned long long namespace_flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
                                                  CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |
                                                  CLONE_NEWCGROUP;

/* personality(2)'s query value: reading the persona is harmless, changing it (ADDR_NO_RANDOMIZE,
 * READ_IMPLIES_EXEC, MMAP_PAGE_ZERO) is an old exploit helper no tool needs. */
static const unsigned long long personality_query = 0xffffffffULL;

static int add_rules(scmp_filter_ctx ctx) {
  const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
  for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
    int nr = seccomp_syscall_resolve_name(denied[i]);
    if (nr == __NR_SCMP_ERROR) {
      fprintf(stderr, "gen-seccomp: libseccomp does not know %s\n", denied[i]);
      return -1;
    }
    int rc = seccomp_rule_add(ctx, eperm, nr, 0);
    /* -EDOM: the call does not exist on this architecture, which is as good as denied. */
    if (rc < 0 && rc != -EDOM) {
      fprintf(stderr, "gen-seccomp: rule for %s failed: %s\n", denied[i], strerror(-rc));
      return -1;
    }
  }
  /* Any namespace flag denies the call: one rule per flag, as a mask test matches all bits. */
  for (unsigned long long bit = 1; bit != 0; bit <<= 1) {
    if ((namespace_flags & bit) == 0) continue;
    if (seccomp_rule_add(ctx, eperm, SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, bit, bit)) <
        0)
      return -1;
  }
  /* TIOCSTI types into a terminal and TIOCLINUX can read one; the step has no terminal of its
   * own (a new session without one), this keeps it so should it ever be handed one. The mask
   * compares the 32-bit command the kernel uses, whatever the upper half holds. */
  if (seccomp_rule_add(ctx, eperm, SCMP_SYS(ioctl), 1,
                       SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, TIOCSTI)) < 0 ||
      seccomp_rule_add(ctx, eperm, SCMP_SYS(ioctl), 1,
                       SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, TIOCLINUX)) < 0) {
    fprintf(stderr, "gen-seccomp: ioctl rules failed\n");
    return -1;
  }
  /* clone3 passes its flags in memory, out of the filter's sight: make libc use clone. */
  if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) < 0) return -1;
  /* personality: only the query (0xffffffff) passes; setting any persona is denied. libseccomp
   * cannot AND two tests of one argument, so "not the query" is two rules: below it, above it
   * (the second catches upper-half garbage the kernel would drop from its 32-bit argument). */
  if (seccomp_rule_add(ctx, eperm, SCMP_SYS(personality), 1,
                       SCMP_A0(SCMP_CMP_LT, personality_query)) < 0 ||
      seccomp_rule_add(ctx, eperm, SCMP_SYS(personality), 1,
                       SCMP_A0(SCMP_CMP_GT, personality_query)) < 0) {
    fprintf(stderr, "gen-seccomp: personality rules failed\n");
    return -1;
  }
  return 0;
}

static uint32_t arch_token(const char *name) {
  if (strcmp(name, "x86_64") == 0) return SCMP_ARCH_X86_64;
  if (strcmp(name, "aarch64") == 0) return SCMP_ARCH_AARCH64;
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s x86_64|aarch64 OUT.bpf OUT.pfc\n", argv[0]);
    return 2;
  }
  uint32_t arch = arch_token(argv[1]);
  if (arch == 0) {
    fprintf(stderr, "gen-seccomp: unsupported architecture %s\n", argv[1]);
    return 2;
  }
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == NULL) return 1;
  /* Exactly one architecture in the filter: every other one hits the bad-arch action. */
  if (arch != seccomp_arch_native()) {
    if (seccomp_arch_add(ctx, arch) < 0 || seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE) < 0) {
      fprintf(stderr, "gen-seccomp: cannot target %s\n", argv[1]);
      return 1;
    }
  }
  if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) < 0) return 1;
  if (add_rules(ctx) < 0) return 1;
  int bpf = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int pfc = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (bpf < 0 || pfc < 0) {
    perror("gen-seccomp: open");
    return 1;
  }
  if (seccomp_export_bpf(ctx, bpf) < 0 || seccomp_export_pfc(ctx, pfc) < 0) {
    fprintf(stderr, "gen-seccomp: export failed\n");
    return 1;
  }
  close(bpf);
  close(pfc);
  seccomp_release(ctx);
  return 0;
}
