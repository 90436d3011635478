// Line forms (입고, 폐기, 매장 간 이동): a barcode scanner types the code and Enter into the
// focused search box; an exact barcode or SKU (as the cashier screen matches them) adds the
// product or one more unit. A name typed by hand shows matches to tap. The server checks
// everything again; this only builds the form's product_id/qty pairs.
const form = document.querySelector("[data-lines-form]");
const products = JSON.parse(document.getElementById("stock-products")?.textContent || "[]");
const scan = form?.querySelector("[data-scan]");
const body = form?.querySelector("[data-lines]");
const suggest = form?.querySelector("[data-suggest]");
const msg = form?.querySelector("[data-scan-msg]");
const empty = form?.querySelector("[data-empty]");
const total = form?.querySelector("[data-total]");
const MAX_QUOTE = 24;

function say(text, bad = false) {
  msg.textContent = text;
  msg.classList.toggle("bo-error", bad);
  msg.classList.toggle("bo-muted", !bad);
}

function exact(q) {
  const lower = q.toLowerCase();
  return products.find((p) => (p.barcode && p.barcode === q) || p.sku.toLowerCase() === lower);
}

function byName(q) {
  const lower = q.toLowerCase();
  return products.filter(
    (p) =>
      p.name.toLowerCase().includes(lower) ||
      p.sku.toLowerCase().includes(lower) ||
      (p.barcode && p.barcode.includes(q)),
  );
}

function refresh() {
  const rows = body.querySelectorAll("tr");
  empty.hidden = rows.length > 0;
  let units = 0;
  for (const input of body.querySelectorAll("input[name=qty]")) {
    const n = Number.parseInt(input.value, 10);
    if (Number.isFinite(n) && n > 0) units += n;
  }
  const unit = form.dataset.unit || "개";
  total.textContent = rows.length ? `${rows.length}가지 · 모두 ${units.toLocaleString("ko-KR")}${unit}` : "";
}

function cell(row, className) {
  const td = document.createElement("td");
  if (className) td.className = className;
  row.append(td);
  return td;
}

function newRow(p) {
  const row = document.createElement("tr");
  row.dataset.product = String(p.id);
  const name = cell(row);
  const hidden = Object.assign(document.createElement("input"), {
    type: "hidden",
    name: "product_id",
    value: String(p.id),
  });
  const strong = document.createElement("strong");
  strong.textContent = p.name;
  const sku = document.createElement("span");
  sku.className = "bo-muted";
  sku.textContent = ` ${p.sku}`;
  name.append(hidden, strong, sku);
  cell(row, "num").textContent = p.info;
  const qty = Object.assign(document.createElement("input"), {
    className: "stock-qty",
    name: "qty",
    value: "0",
    inputMode: "numeric",
    autocomplete: "off",
  });
  qty.setAttribute("aria-label", `${p.name} 수량`);
  cell(row, "num").append(qty);
  const remove = Object.assign(document.createElement("button"), {
    type: "button",
    className: "btn btn-small",
    textContent: "빼기",
  });
  remove.dataset.remove = "";
  remove.setAttribute("aria-label", `${p.name} 빼기`);
  cell(row).append(remove);
  body.append(row);
  return row;
}

function add(p) {
  const row = body.querySelector(`tr[data-product="${p.id}"]`) || newRow(p);
  const qty = row.querySelector("input[name=qty]");
  const n = Number.parseInt(qty.value, 10);
  qty.value = String((Number.isFinite(n) && n > 0 ? n : 0) + 1);
  row.classList.remove("is-error");
  row.classList.add("is-added");
  setTimeout(() => row.classList.remove("is-added"), 600);
  say(`${p.name} ${qty.value}개`);
  suggest.hidden = true;
  scan.value = "";
  refresh();
}

function showMatches(found) {
  suggest.replaceChildren();
  for (const p of found.slice(0, 8)) {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-small";
    b.textContent = `${p.name} (${p.sku})`;
    b.addEventListener("click", () => {
      add(p);
      scan.focus();
    });
    li.append(b);
    suggest.append(li);
  }
  suggest.hidden = found.length === 0;
}

if (form && scan) {
  scan.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault(); // a scan never submits the form
    const q = scan.value.trim();
    if (!q) return;
    const hit = exact(q);
    if (hit) return add(hit);
    const found = byName(q);
    if (found.length === 1) return add(found[0]);
    if (found.length) {
      showMatches(found);
      say("찾은 상품을 누르세요");
      return;
    }
    say(`‘${q.slice(0, MAX_QUOTE)}’에 맞는 상품이 없습니다`, true);
    scan.value = "";
  });
  scan.addEventListener("input", () => {
    const q = scan.value.trim();
    showMatches(q ? byName(q) : []);
  });
  body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove]");
    if (!button) return;
    button.closest("tr").remove();
    refresh();
    scan.focus();
  });
  body.addEventListener("input", refresh);
  body.addEventListener("keydown", (event) => {
    // Enter in a quantity goes back to scanning instead of sending a half-made form
    if (event.key === "Enter" && event.target.name === "qty") {
      event.preventDefault();
      scan.focus();
    }
  });
  document.addEventListener("keydown", (event) => {
    // a scanner typing with nothing focused goes to the scan box
    const t = document.activeElement;
    if (t && t !== document.body) return;
    if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) scan.focus();
  });
  const byCategory = form.querySelector("[data-add-category]");
  byCategory?.addEventListener("change", () => {
    // labels: one of every product in the category (then change the copies per line)
    const id = Number(byCategory.value);
    const found = products.filter((p) => p.category_id === id);
    for (const p of found) add(p);
    say(found.length ? `${found.length}가지 상품을 넣었습니다` : "이 분류에는 상품이 없습니다");
    byCategory.value = "";
    scan.focus();
  });
  form.addEventListener("submit", () => {
    // the server refuses a second booking of this form anyway; this spares the wait
    setTimeout(() => {
      form.querySelector("[data-submit]").disabled = true;
    }, 0);
  });
  refresh();
}
