/**
 * The ustar header: 512 bytes of fixed fields. Castellan writes one canonical form (regular
 * files only, mode 0644, owner 0:0, time 0, empty user and group names) and reads archives of
 * unknown origin strictly: every numeric field is parsed as octal digits only, the checksum is
 * checked, and every header field is reported as found so the checks can refuse what they must.
 */

/** The size of a tar block; headers and padded data are whole blocks. */
export const BLOCK = 512;

/** What a header says; `type` is the raw typeflag character ('0' regular, '2' symlink, ...). */
export interface TarHeader {
  path: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  type: string;
  linkName: string;
  uname: string;
  gname: string;
  devMajor: number;
  devMinor: number;
}

/** Writes a header; test code uses it to craft hostile archives, so it writes what it is given. */
export function encodeHeader(header: TarHeader): Buffer {
  const block = Buffer.alloc(BLOCK);
  const path = Buffer.from(header.path, 'utf8');
  let name = path;
  let prefix = Buffer.alloc(0);
  if (path.length > 100) {
    // ustar splits a long path at a '/' into prefix (155 bytes) and name (100 bytes).
    const cut = path.lastIndexOf(0x2f, path.length - 2);
    const at = cut > 0 && cut <= 155 && path.length - cut - 1 <= 100 ? cut : -1;
    if (at < 0) throw new RangeError(`the path ${header.path} is too long for a ustar header`);
    prefix = path.subarray(0, at);
    name = path.subarray(at + 1);
  }
  name.copy(block, 0);
  writeOctal(block, 100, 8, header.mode);
  writeOctal(block, 108, 8, header.uid);
  writeOctal(block, 116, 8, header.gid);
  writeOctal(block, 124, 12, header.size);
  writeOctal(block, 136, 12, header.mtime);
  block.write(header.type.slice(0, 1), 156, 'latin1');
  Buffer.from(header.linkName, 'utf8').subarray(0, 100).copy(block, 157);
  block.write('ustar\u0000', 257, 'latin1');
  block.write('00', 263, 'latin1');
  Buffer.from(header.uname, 'utf8').subarray(0, 32).copy(block, 265);
  Buffer.from(header.gname, 'utf8').subarray(0, 32).copy(block, 297);
  writeOctal(block, 329, 8, header.devMajor);
  writeOctal(block, 337, 8, header.devMinor);
  prefix.copy(block, 345);
  block.fill(0x20, 148, 156); // the checksum counts its own field as spaces
  writeOctal(block, 148, 7, checksum(block));
  block[155] = 0x20;
  return block;
}

/** Why a header could not be read; the caller turns it into a coded error. */
export class HeaderFormatError extends Error {}

/**
 * Reads a header block. The block is attacker-controlled: fields are bounded by the layout, and
 * any byte outside what the format allows is an error rather than a guess.
 */
export function decodeHeader(block: Buffer): TarHeader {
  if (block.length !== BLOCK) throw new HeaderFormatError('a header must be 512 bytes');
  if (
    block.toString('latin1', 257, 263) !== 'ustar\u0000' ||
    block.toString('latin1', 263, 265) !== '00'
  ) {
    throw new HeaderFormatError('not a ustar header (magic "ustar\\0" and version "00" expected)');
  }
  const stored = readOctal(block, 148, 8, 'checksum');
  if (stored !== checksum(block)) throw new HeaderFormatError('the header checksum does not match');
  const name = readString(block, 0, 100, 'name');
  const prefix = readString(block, 345, 155, 'prefix');
  return {
    path: prefix === '' ? name : `${prefix}/${name}`,
    mode: readOctal(block, 100, 8, 'mode'),
    uid: readOctal(block, 108, 8, 'uid'),
    gid: readOctal(block, 116, 8, 'gid'),
    size: readOctal(block, 124, 12, 'size'),
    mtime: readOctal(block, 136, 12, 'mtime'),
    type: String.fromCharCode(block[156] ?? 0),
    linkName: readString(block, 157, 100, 'linkname'),
    uname: readString(block, 265, 32, 'uname'),
    gname: readString(block, 297, 32, 'gname'),
    devMajor: readOctal(block, 329, 8, 'devmajor'),
    devMinor: readOctal(block, 337, 8, 'devminor'),
  };
}

function checksum(block: Buffer): number {
  let sum = 0;
  for (let index = 0; index < BLOCK; index += 1) {
    sum += index >= 148 && index < 156 ? 0x20 : (block[index] ?? 0);
  }
  return sum;
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  const digits = value.toString(8).padStart(length - 1, '0');
  if (digits.length > length - 1) throw new RangeError(`${value} does not fit ${length} bytes`);
  block.write(`${digits}\u0000`, offset, 'latin1');
}

// Octal digits, then NUL or space padding only: no sign, no base-256 extension, no blanks first.
function readOctal(block: Buffer, offset: number, length: number, field: string): number {
  const raw = block.toString('latin1', offset, offset + length);
  const match = /^([0-7]*)[\u0000 ]*$/.exec(raw);
  if (match === null) throw new HeaderFormatError(`the ${field} field is not octal digits`);
  const digits = match[1] ?? '';
  if (digits.length > 11) throw new HeaderFormatError(`the ${field} field is too large`);
  return digits === '' ? 0 : Number.parseInt(digits, 8);
}

function readString(block: Buffer, offset: number, length: number, field: string): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  const bytes = end < 0 ? raw : raw.subarray(0, end);
  // Bytes after the terminating NUL must be NUL too: no hidden second value in a field.
  if (end >= 0 && raw.subarray(end).some((byte) => byte !== 0)) {
    throw new HeaderFormatError(`the ${field} field holds bytes after its end`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HeaderFormatError(`the ${field} field is not valid UTF-8`);
  }
}
