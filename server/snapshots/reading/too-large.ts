// The sentence for an upload past the size limit, and byte counts as people read them.

export function tooLargeMessage(maxBytes: number): string {
  return `The file is larger than the ${formatBytes(maxBytes)} this server accepts (UPLOAD_MAX_BYTES). Compress it with gzip, or ask the operator to raise the limit.`;
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(n % 2 ** 30 === 0 ? 0 : 1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(n % 2 ** 20 === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  return `${n} bytes`;
}
