// How numbers read on the page. Exact values stay in data-value and title attributes.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 8388608 → "8.00 MiB": binary units, because GEM sizes are powers of two. */
export function formatBytes(bytes) {
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 ? 0 : 2;
  return `${bytes < 0 ? '-' : ''}${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function exactBytes(bytes) {
  return `${bytes.toLocaleString('en')} bytes`;
}
