/** The part of the field an edit keeps: its value and the selection the edit replaces. */
export interface FieldText {
  value: string;
  selectionStart: number | null;
  selectionEnd: number | null;
}

/**
 * Whether inserting `inserted` into the field (replacing its selection) would pass `maxLength`, so that the
 * browser's `maxlength` cuts what the visitor typed or pasted. The browser does so silently; the input bar says
 * so. Lengths in UTF-16 units, as `maxlength` counts them.
 */
export function insertionOverflows(field: FieldText, inserted: string, maxLength: number): boolean {
  return keptLength(field) + inserted.length > maxLength;
}

/** The field's length once its selection is replaced (an IME's composition replaces it too). */
export function keptLength(field: FieldText): number {
  const end = field.selectionEnd ?? field.value.length;
  const start = Math.min(field.selectionStart ?? end, end);
  return field.value.length - (end - start);
}
