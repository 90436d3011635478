/* Small helpers shared by the cashier screen's modules: money text, ids, sleeping, messages. */

/** 4500 -> "4,500원" (never ₩: it is not in CP949 and receipts say 원). */
export function won(amount) {
  return Number(amount || 0).toLocaleString("ko-KR") + "원";
}

/** "20000" -> "20,000" for an input box; "" stays "" so the placeholder shows. */
export function grouped(digits) {
  const text = String(digits ?? "");
  return text === "" ? "" : Number(text).toLocaleString("ko-KR");
}

/** Only the digits of what was typed, without leading zeros, at most `limit` of them. */
export function digitsOf(text, limit = 9) {
  return String(text ?? "")
    .replace(/[^0-9]/g, "")
    .replace(/^0+(?=\d)/, "")
    .slice(0, limit);
}

/** "12,000" or "12000원" typed or tapped -> 12000; anything else -> 0. */
export function toInt(text) {
  const digits = String(text ?? "").replace(/[^0-9]/g, "");
  return digits ? parseInt(digits, 10) : 0;
}

/** A v4 UUID. crypto.randomUUID only exists on https/localhost; a café LAN is plain http. */
export function newSaleId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  const b = window.crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Resolves after `ms`; `wake.resolve()` (set here) ends the wait early. */
export function sleep(ms, wake) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (wake) {
      wake.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    }
  });
}

/** What a cashier may read of a server message: no field path in front ("payments.0.tendered:
 * 값이 너무 큽니다") and no setting names ("(PRINTER_URL)"), which mean nothing on a tablet. */
export function cleanMessage(text) {
  return String(text ?? "")
    .replace(/^\s*[A-Za-z_][\w.[\]]*\s*:\s*/, "")
    .replace(/\s*\([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\)/g, "")
    .trim();
}
