// ContactGrid front end: draws the one page it is sent and reports clicks; Python does the work.
// Contact text goes in with textContent only, never innerHTML.
const KEYS = ["rows", "columns", "labels", "sort", "descending", "page_size", "page_number", "page_count",
  "total", "start", "end", "has_next", "has_prev", "checked", "all_matching", "selected_count", "busy", "counting", "error"];
const fmt = (n) => Number(n).toLocaleString("en-US");

function h(tag, cls, text, title) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  if (title) e.title = title;
  if (tag === "button") e.type = "button";
  return e;
}

function box(cls, label) {
  const c = h("input", cls, null, label);
  c.type = "checkbox";
  c.setAttribute("aria-label", label);
  return c;
}

function render({ model, el }) {
  const get = (k) => model.get(k);
  const set = (k, v) => { model.set(k, v); model.save_changes(); };
  const root = h("div", "mcwg");
  const info = h("span", "mcwg-selection");
  const all = h("button", "mcwg-btn mcwg-select-all", null, "Select every contact matching the filter, on every page");
  const clear = h("button", "mcwg-btn mcwg-clear", "Clear selection");
  const size = h("select", "mcwg-size");
  for (const n of [25, 50, 100]) size.append(new Option(String(n), String(n)));
  const sizeLabel = h("label", "mcwg-size-label", "Rows per page ");
  sizeLabel.append(size);
  const bar = h("div", "mcwg-bar");
  bar.append(info, all, clear, h("span", "mcwg-spacer"), sizeLabel);
  const error = h("div", "mcwg-error");
  error.setAttribute("role", "alert");
  const thead = h("thead"), tbody = h("tbody"), table = h("table", "mcwg-table"), wrap = h("div", "mcwg-table-wrap");
  table.append(thead, tbody);
  wrap.append(table);
  const nav = {}, where = h("span", "mcwg-where"), pager = h("div", "mcwg-pager");
  for (const [to, text] of [["first", "« First"], ["prev", "‹ Previous"], ["next", "Next ›"], ["last", "Last »"]]) {
    nav[to] = h("button", "mcwg-btn mcwg-page mcwg-" + to, text, text.replace(/[^A-Za-z]/g, "") + " page");
    nav[to].addEventListener("click", () => model.send({ event: "page", to }));
  }
  pager.append(nav.first, nav.prev, where, nav.next, nav.last);
  root.append(bar, error, wrap, pager);
  el.append(root);
  all.addEventListener("click", () => set("all_matching", true));
  clear.addEventListener("click", () => model.send({ event: "clear" }));
  size.addEventListener("change", () => set("page_size", Number(size.value)));

  function draw() {
    const rows = get("rows"), cols = get("columns"), labels = get("labels"), ids = rows.map((r) => r.id);
    const checked = new Set(get("checked")), total = get("total"), count = get("selected_count");
    const every = get("all_matching"), busy = get("busy"), sort = get("sort"), desc = get("descending");
    const counting = get("counting");  // the current filter's count is not in: nothing of it to select yet
    const on = ids.filter((i) => checked.has(i)).length;
    const head = h("tr"), th = h("th", "mcwg-check"), page = box("mcwg-check-page", "Select all contacts on this page");
    page.checked = on > 0 && on === ids.length;
    page.indeterminate = on > 0 && on < ids.length;
    page.disabled = !ids.length;
    page.addEventListener("change", () => set("checked", page.checked ? ids : []));
    th.append(page);
    const tho = h("th", "mcwg-open-col");
    tho.setAttribute("aria-label", "Open");
    head.append(th, tho);
    for (const col of cols) {
      const cell = h("th", "mcwg-col"), label = labels[col] || col, sorted = col === sort;
      cell.dataset.column = col;
      cell.setAttribute("aria-sort", sorted ? (desc ? "descending" : "ascending") : "none");
      const b = h("button", "mcwg-sort", label, "Sort by " + label);
      b.append(h("span", "mcwg-arrow", sorted ? (desc ? " ▼" : " ▲") : ""));
      b.addEventListener("click", () => model.send({ event: "sort", column: col }));
      cell.append(b);
      head.append(cell);
    }
    thead.replaceChildren(head);
    const trs = rows.map((r) => {
      const tr = h("tr", "mcwg-row"), td = h("td", "mcwg-check"), tick = box("mcwg-check-row", "Select contact " + r.id);
      tr.dataset.id = String(r.id);
      tr.classList.toggle("mcwg-selected", checked.has(r.id));
      tick.checked = checked.has(r.id);
      tick.addEventListener("change", () => {
        const now = new Set(get("checked"));
        if (tick.checked) now.add(r.id); else now.delete(r.id);
        set("checked", ids.filter((i) => now.has(i)));
      });
      const open = h("button", "mcwg-btn mcwg-open", "Open", "Open the contact's record"), tdo = h("td", "mcwg-open-cell");
      open.setAttribute("aria-label", "Open contact " + r.id);
      tdo.append(open);
      td.append(tick);
      tr.append(td, tdo);
      for (const col of cols) {
        const text = r[col] == null ? "" : String(r[col]), cell = h("td", "mcwg-cell", text, text);
        cell.dataset.column = col;
        tr.append(cell);
      }
      tr.addEventListener("click", (e) => {  // "Open", or a click on the row outside its checkbox
        if (!e.target.closest("input")) model.send({ event: "open", id: r.id });
      });
      return tr;
    });
    if (!rows.length) {
      const tr = h("tr", "mcwg-empty"), td = h("td", null, "No contacts match this filter.");
      td.colSpan = cols.length + 2;
      tr.append(td);
      trs.push(tr);
    }
    tbody.replaceChildren(...trs);
    root.classList.toggle("mcwg-busy", busy);
    root.dataset.total = String(total);
    root.dataset.counting = counting ? "1" : "0";
    info.dataset.count = String(count);
    info.dataset.all = every ? "1" : "0";
    const off = total - count;
    info.textContent = every ? (counting ? "All contacts matching are selected (counting…)"
      : `All ${fmt(count)} contacts matching are selected` + (off > 0 ? ` (${fmt(off)} unticked)` : ""))
      : count ? `${fmt(count)} selected` : "No contacts selected";
    all.textContent = counting ? "Counting contacts matching…" : `Select all ${fmt(total)} contacts matching`;
    all.disabled = counting;
    all.hidden = every || (!counting && !total) || (counting && !rows.length);
    clear.hidden = !every && !count;
    size.value = String(get("page_size"));
    where.textContent = counting ? (!rows.length ? "No contacts"
      : `Page ${fmt(get("page_number"))} · ${fmt(get("start"))}–${fmt(get("end"))} of … (counting)`)
      : !total ? "No contacts" : `Page ${fmt(get("page_number"))} of ${fmt(get("page_count"))} · `
      + `${fmt(get("start"))}–${fmt(get("end"))} of ${fmt(total)}`;
    nav.first.disabled = nav.prev.disabled = busy || !get("has_prev");
    nav.next.disabled = busy || !get("has_next");
    nav.last.disabled = busy || counting || !get("has_next");
    error.textContent = get("error");
    error.hidden = !get("error");
  }

  let queued = false;
  const schedule = () => {
    if (!queued) {
      queued = true;
      queueMicrotask(() => { queued = false; draw(); });
    }
  };
  for (const k of KEYS) model.on("change:" + k, schedule);
  draw();
  return () => { for (const k of KEYS) model.off("change:" + k, schedule); };
}

export default { render };
