import { deflateSync } from "node:zlib";

/** Sizes Outlook asks for: 16/32/80 on the ribbon button, 64 and 128 for IconUrl and HighResolutionIconUrl. */
export const ICON_SIZES = [16, 32, 64, 80, 128] as const;

const BLUE: Rgba = [15, 94, 168, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const CLEAR: Rgba = [0, 0, 0, 0];
type Rgba = [number, number, number, number];

/**
 * Agenda's icon at one size, drawn in code so every size stays consistent: a blue rounded tile with a white
 * calendar page (two rings on top, a header bar). Deterministic bytes, so the committed PNGs can be checked.
 */
export function agendaIconPng(size: number): Buffer {
  const radius = size * 0.18;
  const pixel = (x: number, y: number): Rgba => {
    const cx = Math.min(Math.max(x + 0.5, radius), size - radius);
    const cy = Math.min(Math.max(y + 0.5, radius), size - radius);
    if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 > radius ** 2) return CLEAR;
    const u = (x + 0.5) / size;
    const v = (y + 0.5) / size;
    const inPage = u > 0.2 && u < 0.8 && v > 0.28 && v < 0.8;
    const inHeader = inPage && v < 0.4;
    const inRing = (u > 0.32 && u < 0.4) || (u > 0.6 && u < 0.68) ? v > 0.18 && v < 0.34 : false;
    if (inRing) return WHITE;
    if (inHeader) return WHITE;
    if (inPage) {
      const cellU = (u - 0.2) / 0.6;
      const cellV = (v - 0.4) / 0.4;
      const onGrid = size >= 32 && (Math.abs((cellU * 3) % 1) < 0.08 || Math.abs((cellV * 3) % 1) < 0.08);
      return onGrid ? BLUE : WHITE;
    }
    return BLUE;
  };
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 4 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x++) Buffer.from(pixel(x, y)).copy(raw, row + 1 + x * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
