/** Warns about each thing once per page, so a call in a loop does not flood the console. */
const warned = new Set<string>();

export function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  console.warn(`[dhkit HwICSUiSdk] ${message}`);
}
