/* 초성 search: "ㅇㅁㄹㅋㄴ" finds 아메리카노, "아메ㄹ" too. Cashiers type the first consonants
 * because it is quicker on a tablet keyboard and forgiving of spelling. */

const FIRST = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ";
const SYLLABLE_FIRST = 0xac00;
const SYLLABLE_LAST = 0xd7a3;
const PER_INITIAL = 588; // 21 vowels × 28 finals

/** The initial consonant of a Hangul syllable, or null for any other character. */
export function initialOf(ch) {
  const code = ch.codePointAt(0);
  if (code < SYLLABLE_FIRST || code > SYLLABLE_LAST) return null;
  return FIRST[Math.floor((code - SYLLABLE_FIRST) / PER_INITIAL)];
}

/** "아메리카노" -> "ㅇㅁㄹㅋㄴ"; characters that are not syllables stay as they are. */
export function initials(text) {
  return Array.from(String(text), (ch) => initialOf(ch) || ch).join("");
}

function isInitial(ch) {
  return FIRST.includes(ch);
}

/** One query character against one name character: a lone consonant matches any syllable
 * that starts with it; everything else must be equal. */
function charMatches(q, n) {
  if (q === n) return true;
  return isInitial(q) && initialOf(n) === q;
}

/** Whether `query` occurs in `name`, each lone consonant standing for a whole syllable.
 * Spaces and case are ignored on both sides. */
export function hangulIncludes(name, query) {
  const n = Array.from(String(name).toLowerCase().replace(/\s+/g, ""));
  const q = Array.from(String(query).toLowerCase().replace(/\s+/g, ""));
  if (!q.length) return true;
  for (let start = 0; start + q.length <= n.length; start++) {
    let ok = true;
    for (let i = 0; i < q.length && ok; i++) ok = charMatches(q[i], n[start + i]);
    if (ok) return true;
  }
  return false;
}

/** "온도" + 을/를 -> "온도를", "사이즈" -> "사이즈를", "샷 추가" -> "샷 추가를": the particle
 * follows the last syllable's final consonant (the server does the same, pos/korean.py). */
export function withObjectParticle(word) {
  const last = String(word).trim().slice(-1);
  const code = last.codePointAt(0);
  if (code >= SYLLABLE_FIRST && code <= SYLLABLE_LAST) {
    return word + ((code - SYLLABLE_FIRST) % 28 ? "을" : "를");
  }
  return word + "을(를)";
}
