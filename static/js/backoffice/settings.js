// 매장 설정: the receipt preview follows the header and footer boxes as they are typed, laid
// out like printers/layout.py does (CP949 cells: ASCII 1, Hangul and other wide letters 2;
// each row wrapped at the printer's columns and centred). The server draws the same rows.
const box = document.getElementById("receipt-preview");

/** Printer cells a character takes (the printer's CP949: one byte for ASCII, two otherwise). */
const cells = (ch) => (ch.codePointAt(0) < 0x80 ? 1 : 2);
const width = (text) => Array.from(text).reduce((n, ch) => n + cells(ch), 0);

/** The longest head of ``text`` that fits ``columns`` cells. */
function fit(text, columns) {
  let used = 0;
  let out = "";
  for (const ch of text) {
    if (used + cells(ch) > columns) break;
    out += ch;
    used += cells(ch);
  }
  return out;
}

/** Split at ``columns`` cells, preferring a space past half the row (like layout.wrap). */
function wrap(text, columns) {
  let rest = text.trim();
  const chunks = [];
  while (rest) {
    let head = fit(rest, columns);
    if (head.length === rest.length) {
      chunks.push(rest);
      break;
    }
    const cut = head.lastIndexOf(" ");
    if (cut > 0 && width(head.slice(0, cut)) >= Math.floor(columns / 2)) head = head.slice(0, cut);
    if (!head) head = Array.from(rest)[0];
    chunks.push(head.trimEnd());
    rest = rest.slice(head.length).trimStart();
  }
  return chunks.length ? chunks : [""];
}

const centre = (text, columns) => " ".repeat(Math.floor((columns - width(text)) / 2)) + text;

/** The rows as typed: line ends unified, blank rows around the text dropped (settings.py). */
function typedLines(value) {
  const rows = value.replace(/\r\n/g, "\n").split("\n").map((r) => r.trimEnd());
  while (rows.length && !rows[0].trim()) rows.shift();
  while (rows.length && !rows[rows.length - 1].trim()) rows.pop();
  return rows;
}

function draw(part, lines, columns) {
  const out = box.querySelector(`[data-part="${part}"]`);
  if (!out) return;
  const rows = lines.flatMap((t) => wrap(t, columns).map((c) => centre(c, columns).trimEnd()));
  if (part === "receipt_header" && rows.length) rows.push("-".repeat(columns));
  out.textContent = rows.map((r) => `${r}\n`).join("");
}

if (box) {
  const columns = Number(box.dataset.columns) || 42;
  const defaultFooter = JSON.parse(box.dataset.defaultFooter || "[]");
  const update = (field) => {
    let lines = typedLines(field.value).slice(0, 6);
    if (field.name === "receipt_header" && !lines.some((t) => t.trim())) lines = [];
    if (field.name === "receipt_footer" && !lines.length) lines = defaultFooter;
    draw(field.name, lines, columns);
  };
  for (const name of ["receipt_header", "receipt_footer"]) {
    const field = document.querySelector(`textarea[name="${name}"]`);
    field?.addEventListener("input", () => update(field));
  }
}
