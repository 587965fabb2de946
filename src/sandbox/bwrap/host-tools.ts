import { accessSync, constants, existsSync } from 'node:fs';

/**
 * Where a bare program name is looked up. Fixed rather than taken from PATH: the sandbox must
 * not start a different bwrap because someone changed the caller's environment.
 */
const systemFolders = ['/usr/bin', '/bin', '/usr/local/bin', '/usr/sbin', '/sbin'];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Resolves a configured program (a path, or a bare name looked up in system folders). */
export function resolveProgram(nameOrPath: string): string | undefined {
  if (nameOrPath.includes('/')) return isExecutable(nameOrPath) ? nameOrPath : undefined;
  for (const folder of systemFolders) {
    const candidate = `${folder}/${nameOrPath}`;
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The prlimit binary, if it will be visible inside the sandbox. It runs as the first program
 * inside, so it must live under /usr, the only host folder the sandbox sees.
 */
export function findPrlimit(path: string): string | undefined {
  return findUsrProgram(path);
}

/** A program that must run inside the sandbox, where only /usr is visible of the host. */
export function findUsrProgram(path: string): string | undefined {
  return path.startsWith('/usr/') && isExecutable(path) ? path : undefined;
}

/** The folders of the host's /usr that the sandbox's root symlinks to (merged-/usr layout). */
export function hostLibraryLinks(): Array<{ target: string; link: string }> {
  const links = [
    { target: 'usr/bin', link: '/bin' },
    { target: 'usr/sbin', link: '/sbin' },
    { target: 'usr/lib', link: '/lib' },
    { target: 'usr/lib64', link: '/lib64' },
    { target: 'usr/lib32', link: '/lib32' },
  ];
  return links.filter(({ target }) => existsSync(`/${target}`));
}
