/**
 * Vietnamese text folded for matching: lower case, no tone marks or diacritics, đ → d, single spaces.
 * People type "ba dinh" for "Ba Đình"; both must meet.
 */
export function fold(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
