/**
 * Orders semantic versions as the manifest allows them (`1.2.3` or `1.2.3-pre.1`): numbers
 * numerically, a pre-release below its release, pre-release fields by SemVer 2.0 rules.
 */
export function compareVersions(left: string, right: string): number {
  const [leftCore = '', leftPre] = splitOnce(left);
  const [rightCore = '', rightPre] = splitOnce(right);
  const leftParts = leftCore.split('.').map(Number);
  const rightParts = rightCore.split('.').map(Number);
  for (let index = 0; index < 3; index += 1) {
    const difference = (leftParts[index] ?? 0) - (rightParts[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  if (leftPre === undefined || rightPre === undefined) {
    return leftPre === rightPre ? 0 : leftPre === undefined ? 1 : -1;
  }
  const leftFields = leftPre.split('.');
  const rightFields = rightPre.split('.');
  for (let index = 0; index < Math.max(leftFields.length, rightFields.length); index += 1) {
    const a = leftFields[index];
    const b = rightFields[index];
    if (a === undefined) return -1;
    if (b === undefined) return 1;
    const numericA = /^\d+$/.test(a);
    const numericB = /^\d+$/.test(b);
    if (numericA && numericB && Number(a) !== Number(b)) return Math.sign(Number(a) - Number(b));
    if (numericA !== numericB) return numericA ? -1 : 1;
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

function splitOnce(version: string): [string, string | undefined] {
  const at = version.indexOf('-');
  return at < 0 ? [version, undefined] : [version.slice(0, at), version.slice(at + 1)];
}
