import type { Command } from 'commander';
import { withBackend } from '../context.js';
import { parseDuration } from '../durations.js';

/** `castellan keys create|list|revoke` and `castellan users list|add|disable|enable`. */
export function registerAccounts(program: Command): void {
  const keys = program
    .command('keys')
    .description('API keys: shown once, stored hashed, revocable');
  keys
    .command('create')
    .requiredOption('--user <user>', 'whose key it is')
    .requiredOption('--label <text>', 'what the key is for')
    .option('--expires-in <duration>', 'lifetime: 90s, 15m, 12h, 30d (default 90d)')
    .action(
      async (options: { user: string; label: string; expiresIn?: string }, command: Command) => {
        await withBackend(command, async (backend, output) => {
          const created = await backend.access.createKey({
            user: options.user,
            label: options.label,
            ...(options.expiresIn === undefined
              ? {}
              : { expiresInSeconds: parseDuration(options.expiresIn, '--expires-in') }),
          });
          output.data(created);
          output.line(
            `${created.record.id} for ${created.record.userId}, expires ${created.record.expiresAt ?? 'never'}`,
          );
          output.line(`key (shown once, store it now): ${created.key}`);
        });
      },
    );
  keys
    .command('list')
    .option('--user <user>', 'only this user’s keys')
    .action(async (options: { user?: string }, command: Command) => {
      await withBackend(command, async (backend, output) => {
        const list = await backend.access.listKeys(options);
        output.data({ keys: list });
        for (const key of list) {
          const state =
            key.revokedAt !== null
              ? `revoked ${key.revokedAt}`
              : `expires ${key.expiresAt ?? 'never'}`;
          output.line(`${key.id}  ${key.userId.padEnd(12)} ${key.label}  ${state}`);
        }
        if (list.length === 0) output.line('no keys');
      });
    });
  keys
    .command('revoke')
    .argument('<key>', 'key id (key_...)')
    .requiredOption('--reason <text>', 'why')
    .action(async (keyId: string, options: { reason: string }, command: Command) => {
      await withBackend(command, async (backend, output) => {
        const key = await backend.access.revokeKey(keyId, options.reason);
        output.data(key);
        output.line(`${key.id} revoked at ${key.revokedAt ?? '?'}`);
      });
    });

  const users = program
    .command('users')
    .description('local accounts (OIDC users appear on first sign-in)');
  users.command('list').action(async (_options: unknown, command: Command) => {
    await withBackend(command, async (backend, output) => {
      const list = await backend.access.listUsers();
      output.data({ users: list });
      for (const user of list)
        output.line(
          `${user.id.padEnd(20)} ${user.roles.join(',') || '-'}${user.disabled ? '  disabled' : ''}  ${user.displayName}`,
        );
    });
  });
  users
    .command('add')
    .argument('<id>', 'login name: lower-case letters, digits, . _ -')
    .requiredOption('--name <text>', 'display name')
    .option(
      '--role <role...>',
      'roles: admin, security-admin, publisher, approver[:domain], operator, auditor',
    )
    .action(async (id: string, options: { name: string; role?: string[] }, command: Command) => {
      await withBackend(command, async (backend, output) => {
        const user = await backend.access.createUser({
          id,
          displayName: options.name,
          roles: options.role ?? [],
        });
        output.data(user);
        output.line(`${user.id} created with roles ${user.roles.join(', ') || 'none'}`);
      });
    });
  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    users
      .command(verb)
      .argument('<id>', 'user id')
      .action(async (id: string, _options: unknown, command: Command) => {
        await withBackend(command, async (backend, output) => {
          const user = await backend.access.setUserDisabled(id, disabled);
          output.data(user);
          output.line(`${user.id} ${disabled ? 'disabled' : 'enabled'}`);
        });
      });
  }
}
