/** Float32 arrays stored compactly in JSON as base64 of their little-endian bytes. */
export function encodeFloat32(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

export function decodeFloat32(base64: string, expectedLength?: number): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.byteLength % 4 !== 0)
    throw new Error('corrupt float32 payload: byte length is not a multiple of 4');
  // Copy into a fresh, aligned buffer: Buffer pool slices may not be 4-byte aligned.
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw new Error(`corrupt float32 payload: expected ${expectedLength} values, found ${out.length}`);
  }
  return out;
}
