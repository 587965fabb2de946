import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ApiError, CastellanService } from '../../api/index.js';
import {
  archiveLimits,
  buildPackArchive,
  generatePublisherKey,
  parsePrivateKey,
  parsePublicKey,
  readArchive,
  signPackArchive,
  verifyPackReport,
  type CheckOutcome,
} from '../../packs/index.js';
import { environmentSchema } from '../../config/index.js';
import { globals } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { Output } from '../output.js';
import { readLimited, writeNew } from './pack-files-io.js';
import { registerPackImports } from './packs-import.js';
import { registerPackRegistry } from './packs-registry.js';

/** The envelope file `packs sign` writes beside an archive. */
export function envelopePathOf(archive: string): string {
  return `${archive}.dsse.json`;
}

/** `castellan packs ...`: build, keygen, sign, verify, and the registry and import commands. */
export function registerPacks(program: Command): void {
  const packs = program
    .command('packs')
    .description('build, sign, verify, publish, promote and quarantine packs');

  packs
    .command('build')
    .argument('<dir>', 'pack folder (castellan.pack.json, SKILL.md, ...)')
    .option('--out <file>', 'archive to write (default NAME-VERSION.tar here)')
    .description('build the deterministic archive of a pack folder')
    .action(async (dir: string, options: { out?: string }, command: Command) => {
      const { output } = globals(command);
      const built = await buildPackArchive(dir);
      const manifest = readArchive(built.bytes).find(
        (entry) => entry.path === 'castellan.pack.json',
      );
      const parsed = JSON.parse(manifest?.bytes.toString('utf8') ?? '{}') as {
        name?: string;
        version?: string;
      };
      const file = resolve(
        options.out ??
          `${String(parsed.name).replace(/^@/, '').replace('/', '-')}-${parsed.version}.tar`,
      );
      await writeNew(file, built.bytes);
      output.data({ archive: file, digest: built.digest, bytes: built.bytes.length });
      output.line(`${file}\n  ${built.digest} (${built.bytes.length} bytes)`);
    });

  packs
    .command('keygen')
    .option('--algorithm <name>', 'ed25519 or ecdsa-p256', 'ed25519')
    .option('--out <prefix>', 'writes PREFIX.key (0600) and PREFIX.pub', 'publisher')
    .description('make a publisher key pair')
    .action(async (options: { algorithm: string; out: string }, command: Command) => {
      const { output } = globals(command);
      if (options.algorithm !== 'ed25519' && options.algorithm !== 'ecdsa-p256')
        throw new ApiError(
          'bad-input',
          `--algorithm ${options.algorithm}: use ed25519 or ecdsa-p256`,
        );
      const pair = generatePublisherKey(options.algorithm);
      const prefix = resolve(options.out);
      await writeNew(`${prefix}.key`, pair.privateKeyPem, 0o600);
      await writeNew(`${prefix}.pub`, pair.publicKeyPem);
      output.data({
        keyId: pair.keyId,
        algorithm: pair.algorithm,
        privateKey: `${prefix}.key`,
        publicKey: `${prefix}.pub`,
      });
      output.line(
        `${pair.keyId} (${pair.algorithm})\n  private ${prefix}.key (0600)\n  public  ${prefix}.pub`,
      );
    });

  packs
    .command('sign')
    .argument('<archive>', 'archive made by packs build')
    .requiredOption('--key <file>', 'the publisher private key (PEM)')
    .option('--builder <id>', 'who built it, recorded in the statement', 'castellan-cli')
    .option('--source-revision <rev>', 'the source revision it was built from', 'unknown')
    .option('--out <file>', 'envelope to write (default ARCHIVE.dsse.json)')
    .description('sign an archive: a DSSE envelope over an in-toto statement')
    .action(
      async (
        archivePath: string,
        options: { key: string; builder: string; sourceRevision: string; out?: string },
        command: Command,
      ) => {
        const { output } = globals(command);
        const archive = await readLimited(archivePath, archiveLimits.maxArchiveBytes, 'archive');
        const key = parsePrivateKey(
          (await readLimited(options.key, 16 * 1024, 'key')).toString('utf8'),
          options.key,
        );
        const { envelope, statement } = signPackArchive(archive, key, {
          builder: options.builder,
          sourceRevision: options.sourceRevision,
        });
        const file = resolve(options.out ?? envelopePathOf(archivePath));
        await writeNew(file, `${JSON.stringify(envelope, null, 2)}\n`);
        output.data({ envelope: file, keyId: key.keyId, subject: statement.subject[0] });
        output.line(
          `${file}\n  signed by ${key.keyId}\n  subject ${statement.subject[0]?.name} sha256:${statement.subject[0]?.digest.sha256}`,
        );
      },
    );

  packs
    .command('verify')
    .argument('<archive>', 'archive to verify')
    .option('--envelope <file>', 'its DSSE envelope (default ARCHIVE.dsse.json)')
    .option('--env <environment>', "trust store of this environment (default: the home's)")
    .option('--trusted-key <file>', 'verify offline against this public key instead of a home')
    .option('--publisher <name>', 'with --trusted-key: the publisher the key speaks for')
    .option('--names <patterns>', 'with --trusted-key: comma-separated pack names it may sign')
    .description(
      'verify a pack: signature, types, digests, manifest, publisher, no rollback, entries',
    )
    .action(
      async (
        archivePath: string,
        options: {
          envelope?: string;
          env?: string;
          trustedKey?: string;
          publisher?: string;
          names?: string;
        },
        command: Command,
      ) => {
        const { output, home } = globals(command);
        const archive = await readLimited(archivePath, archiveLimits.maxArchiveBytes, 'archive');
        const envelope = (
          await readLimited(options.envelope ?? envelopePathOf(archivePath), 64 * 1024, 'envelope')
        ).toString('utf8');
        let report: { ok: boolean; checks: CheckOutcome[]; digest?: string };
        if (options.trustedKey !== undefined) {
          if (options.publisher === undefined || options.names === undefined)
            throw new ApiError('bad-input', 'with --trusted-key, pass --publisher and --names');
          const pem = (await readLimited(options.trustedKey, 16 * 1024, 'key')).toString('utf8');
          const key = parsePublicKey(pem, options.trustedKey);
          const result = verifyPackReport({
            archive,
            envelope,
            trustedKeys: [
              {
                keyId: key.keyId,
                publicKeyPem: pem,
                algorithm: key.algorithm,
                publisher: options.publisher,
                names: options.names.split(','),
              },
            ],
          });
          report = {
            ok: result.result !== undefined,
            checks: result.checks,
            ...(result.result === undefined ? {} : { digest: result.result.archiveDigest }),
          };
        } else {
          const service = await CastellanService.open(home);
          try {
            const chosen = environmentSchema.safeParse(options.env ?? service.config.environment);
            if (!chosen.success)
              throw new ApiError('bad-input', `--env ${options.env}: use dev, staging or prod`);
            const environment = chosen.data;
            report = await service.packs.verify(undefined, { archive, envelope, environment });
          } finally {
            await service.close();
          }
        }
        showChecks(output, archivePath, report);
        process.exitCode = report.ok ? EXIT.ok : EXIT.denied;
      },
    );

  registerPackRegistry(packs);
  registerPackImports(packs);
}

function showChecks(
  output: Output,
  archive: string,
  report: { ok: boolean; checks: CheckOutcome[]; digest?: string },
): void {
  output.data(report);
  output.line(`${basename(archive)} in ${dirname(join(archive))}`);
  for (const check of report.checks)
    output.line(
      `  ${check.ok ? output.paint('ok  ', 'green') : output.paint('FAIL', 'red')} ${check.check}${check.ok ? '' : ` [${check.code}] ${check.message}`}`,
    );
  output.line(report.ok ? `verified ${report.digest}` : 'refused');
}
