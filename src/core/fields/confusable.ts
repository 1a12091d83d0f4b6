/**
 * Letters of other scripts drawn like a Latin letter (the idea of Unicode's UTS #39 confusable
 * skeleton, reduced to what a field key can hold). Written out here rather than taken from the
 * full confusables data: that table is ~30 KiB gzip, the API Worker must stay small, and NFKC
 * (in `toFieldKey`) already folds fullwidth, mathematical, ligature and superscript forms.
 *
 * Each Latin letter lists the characters that pass for it in a sans-serif font: Cyrillic, Greek,
 * Armenian and a few IPA letters, upper and lower case (an upper-case Cyrillic `В` looks like `B`
 * though its lower case `в` does not, so case is folded only after this mapping).
 */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  a: "АаΑαɑ",
  b: "ВΒЬ",
  c: "СсϹϲ",
  d: "ԁ",
  e: "ЕеΕ",
  g: "ɡց",
  h: "НΗһհ",
  i: "ІіΙιıɩӀ",
  j: "Јјϳȷ",
  k: "КΚκ",
  l: "ӏ",
  m: "МΜ",
  n: "Νո",
  o: "ОоΟοօ",
  p: "РрΡρ",
  q: "ԛզ",
  r: "г",
  s: "Ѕѕ",
  t: "ТΤ",
  u: "υս",
  v: "ѴѵνƲ",
  w: "Ԝԝω",
  x: "ХхΧχ",
  y: "УуҮүγ",
  z: "Ζ",
};

let toLatin: Map<string, string> | undefined;
function latinOf(char: string): string | undefined {
  if (!toLatin) {
    toLatin = new Map();
    for (const [latin, others] of Object.entries(LOOK_ALIKES)) {
      for (const other of others) {
        toLatin.set(other, latin);
      }
    }
  }
  return toLatin.get(char);
}

/**
 * Latin sequences read as another letter once the case is gone: `0`/`o`, `1`/`l`, `rn`/`m`,
 * `vv`/`w`. (`I`/`l` is left out on purpose: keys are case-insensitive, so `Industry` and
 * `industry` must keep one skeleton.)
 */
const LATIN_READS_AS: readonly (readonly [RegExp, string])[] = [
  [/0/g, "o"],
  [/1/g, "l"],
  [/rn/g, "m"],
  [/vv/g, "w"],
];

/**
 * A key's confusable skeleton: two keys with the same skeleton look the same to a person, as a
 * Cyrillic `сompany_name` and a Latin `company_name` do. Separators are dropped too (the skeleton
 * of `company_name` is `companyname`), so a look-alike written with other separators is caught.
 * Only for warnings ("new key X looks like existing field Y"), never for matching: two different
 * keys may share a skeleton.
 * @example confusableSkeleton("Сompany_Nаme") // "companyname" (Cyrillic С and а)
 */
export function confusableSkeleton(key: string): string {
  let folded = "";
  for (const char of key.normalize("NFKC").normalize("NFD")) {
    folded += latinOf(char) ?? char.toLowerCase();
  }
  // Accents (split off by NFD above) and separators go: `ё` and `é` end as `e`.
  let skeleton = folded.replace(/[^\p{L}\p{N}]+/gu, "");
  for (const [pattern, latin] of LATIN_READS_AS) {
    skeleton = skeleton.replace(pattern, latin);
  }
  return skeleton;
}
