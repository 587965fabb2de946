import type { Command } from 'commander';
import { ApiError } from '../../api/index.js';
import { environmentSchema } from '../../config/index.js';
import { archiveLimits } from '../../packs/index.js';
import { globals } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { withLocalService } from './local-service.js';
import { readLimited } from './pack-files-io.js';

function environmentOf(value: string): 'dev' | 'staging' | 'prod' {
  const parsed = environmentSchema.safeParse(value);
  if (!parsed.success) throw new ApiError('bad-input', `--env ${value}: use dev, staging or prod`);
  return parsed.data;
}

/** `packs publish|list|show|promote|approve|deny|quarantine|release` and `packs trust ...`. */
export function registerPackRegistry(packs: Command): void {
  packs
    .command('publish')
    .argument('<archive>', 'a signed archive')
    .option('--envelope <file>', 'its DSSE envelope (default ARCHIVE.dsse.json)')
    .description('publish a signed archive to the registry (publisher role); admits it to dev')
    .action(async (archivePath: string, options: { envelope?: string }, command: Command) => {
      const { output } = globals(command);
      const archive = await readLimited(archivePath, archiveLimits.maxArchiveBytes, 'archive');
      const envelope = (
        await readLimited(options.envelope ?? `${archivePath}.dsse.json`, 64 * 1024, 'envelope')
      ).toString('utf8');
      await withLocalService(command, async (service, actor) => {
        const published = await service.packs.publish(actor, { archive, envelope });
        output.data(published);
        output.line(
          `published ${published.name}@${published.version} ${published.digest}\n  signed by ${published.signerKeyId}; admitted to dev`,
        );
      });
    });

  packs
    .command('list')
    .description('published versions, where each is admitted, and quarantines')
    .action(async (_options: unknown, command: Command) => {
      const { output } = globals(command);
      await withLocalService(command, async (service, actor) => {
        const list = await service.packs.list(actor);
        output.data({ packs: list });
        for (const pack of list)
          output.line(
            `${`${pack.name}@${pack.version}`.padEnd(32)} ${pack.environments.join(',').padEnd(16)} ${pack.quarantine === null ? '' : output.paint(`QUARANTINED: ${pack.quarantine.reason}`, 'red')}  ${pack.digest.slice(0, 19)}…`,
          );
        if (list.length === 0) output.line('no packs published');
      });
    });

  packs
    .command('show')
    .argument('<pack>', 'NAME@VERSION')
    .description('one version: digest, signer, provenance, admissions with approvers, quarantine')
    .action(async (ref: string, _options: unknown, command: Command) => {
      const { output } = globals(command);
      await withLocalService(command, async (service, actor) => {
        const pack = await service.packs.show(actor, ref);
        output.data(pack);
        output.line(`${pack.name}@${pack.version} by ${pack.publisher}: ${pack.description}`);
        output.line(
          `  digest   ${pack.digest}\n  manifest ${pack.manifestDigest}\n  signer   ${pack.signerKeyId}`,
        );
        output.line(
          `  built by ${pack.builder ?? '?'} from ${pack.sourceRevision ?? '?'}; published by ${pack.publishedBy} at ${pack.publishedAt}`,
        );
        for (const admission of pack.admissions)
          output.line(
            `  ${admission.environment.padEnd(8)} admitted ${admission.admittedAt}${admission.approvers.length ? ` approved by ${admission.approvers.join(', ')}` : ''}`,
          );
        if (pack.quarantine !== null)
          output.line(
            output.paint(
              `  QUARANTINED by ${pack.quarantine.quarantinedBy}: ${pack.quarantine.reason}`,
              'red',
            ),
          );
      });
    });

  packs
    .command('promote')
    .argument('<pack>', 'NAME@VERSION')
    .requiredOption('--env <environment>', 'staging (one approver) or prod (two)')
    .description('ask for admission to staging or prod; approvers decide with packs approve')
    .action(async (ref: string, options: { env: string }, command: Command) => {
      const { output } = globals(command);
      process.exitCode = await withLocalService(command, async (service, actor) => {
        const approval = await service.packs.requestPromotion(actor, ref, options.env);
        output.data({ approval });
        output.line(
          `${approval.id}: ${approval.reason}; needs ${approval.quorum} approver(s), never the publisher`,
        );
        return EXIT.awaitingApproval;
      });
    });

  for (const decision of ['approve', 'deny'] as const) {
    packs
      .command(decision)
      .argument('<approval>', 'a pack promotion or release request')
      .option('--reason <text>', 'why')
      .description(`${decision} a pack promotion or release request`)
      .action(async (approvalId: string, options: { reason?: string }, command: Command) => {
        const { output } = globals(command);
        process.exitCode = await withLocalService(command, async (service, actor) => {
          const view = await service.packs.approvals.decide(actor, approvalId, {
            decision,
            ...(options.reason === undefined ? {} : { reason: options.reason }),
          });
          output.data(view);
          output.line(
            `${approvalId}: ${view.approval.status}${view.applied ? ` (${view.applied})` : ''}`,
          );
          return view.approval.status === 'pending' ? EXIT.awaitingApproval : EXIT.ok;
        });
      });
  }

  packs
    .command('quarantine')
    .argument('<pack>', 'NAME@VERSION')
    .requiredOption('--reason <text>', 'why (recorded)')
    .description(
      'block a version at once: new calls refused, runs using it stop at their next call',
    )
    .action(async (ref: string, options: { reason: string }, command: Command) => {
      const { output } = globals(command);
      await withLocalService(command, async (service, actor) => {
        const quarantine = await service.packs.quarantine(actor, ref, options.reason);
        output.data(quarantine);
        output.line(`quarantined ${ref}: ${quarantine.reason}`);
      });
    });

  packs
    .command('release')
    .argument('<pack>', 'NAME@VERSION')
    .requiredOption('--reason <text>', 'why it is safe again')
    .description('ask for a quarantine to be lifted (needs an approver)')
    .action(async (ref: string, options: { reason: string }, command: Command) => {
      const { output } = globals(command);
      process.exitCode = await withLocalService(command, async (service, actor) => {
        const approval = await service.packs.requestRelease(actor, ref, options.reason);
        output.data({ approval });
        output.line(`${approval.id}: ${approval.reason}`);
        return EXIT.awaitingApproval;
      });
    });

  const trust = packs.command('trust').description('publisher keys trusted per environment');
  trust
    .command('add')
    .argument('<public-key>', 'PEM public key file')
    .requiredOption('--env <environment>', 'dev, staging or prod')
    .requiredOption('--publisher <name>', "the manifests' publisher this key speaks for")
    .requiredOption('--names <patterns>', 'comma-separated pack names or scopes (@acme/*)')
    .action(
      async (
        file: string,
        options: { env: string; publisher: string; names: string },
        command: Command,
      ) => {
        const { output } = globals(command);
        const publicKeyPem = (await readLimited(file, 16 * 1024, 'public key')).toString('utf8');
        await withLocalService(command, async (service, actor) => {
          const key = await service.packs.trustKey(actor, {
            environment: environmentOf(options.env),
            publicKeyPem,
            publisher: options.publisher,
            names: options.names.split(','),
          });
          output.data(key);
          output.line(
            `trusted ${key.keyId} in ${key.environment} for ${key.publisher}: ${key.names.join(', ')}`,
          );
        });
      },
    );
  trust
    .command('remove')
    .argument('<key-id>', 'sha256:... as trust list shows')
    .requiredOption('--env <environment>', 'dev, staging or prod')
    .requiredOption('--reason <text>', 'why (recorded)')
    .action(async (keyId: string, options: { env: string; reason: string }, command: Command) => {
      const { output } = globals(command);
      await withLocalService(command, async (service, actor) => {
        await service.packs.untrustKey(actor, {
          environment: environmentOf(options.env),
          keyId,
          reason: options.reason,
        });
        output.data({ removed: keyId, environment: options.env });
        output.line(
          `removed ${keyId} from ${options.env}: its packs are refused there from now on`,
        );
      });
    });
  trust
    .command('list')
    .option('--env <environment>', 'one environment')
    .action(async (options: { env?: string }, command: Command) => {
      const { output } = globals(command);
      await withLocalService(command, async (service, actor) => {
        const keys = await service.packs.listTrust(
          actor,
          options.env === undefined ? undefined : environmentOf(options.env),
        );
        output.data({ keys });
        for (const key of keys)
          output.line(
            `${key.environment.padEnd(8)} ${key.keyId}  ${key.publisher}: ${key.names.join(', ')}  (added by ${key.addedBy})`,
          );
        if (keys.length === 0) output.line('no trusted keys');
      });
    });
}
