import type { Command } from 'commander';
/** placeholder */
export function registerPackImports(_packs: Command): void {}
