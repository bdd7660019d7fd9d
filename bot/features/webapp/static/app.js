// The declaration page: plain DOM, no framework, no third-party script. The form's questions, conditions and
// messages all come from the server (the chat's own form and validators); this file only draws and sends them.
(() => {
  const root = document.getElementById("app");
  const KEY = "webapp.session";
  const S = { session: "", page: null, people: [], form: null, touched: {}, submitted: false, timer: 0 };

  // Telegram's Mini App bridge, without Telegram's script: events go out through the client's proxy (or to the
  // web client that frames the page) and come back through window.Telegram.WebView.receiveEvent.
  const handlers = {};
  function tgPost(type, data) {
    const json = JSON.stringify(data || {});
    try {
      if (window.TelegramWebviewProxy?.postEvent) window.TelegramWebviewProxy.postEvent(type, json);
      else if (window.parent !== window)
        window.parent.postMessage(JSON.stringify({ eventType: type, eventData: data || {} }), "*");
    } catch (_e) {
      // Not inside Telegram: nothing to tell.
    }
  }
  function receive(type, data) {
    if (handlers[type]) handlers[type](data || {});
  }
  window.Telegram = window.Telegram || {};
  window.Telegram.WebView = { receiveEvent: receive };
  window.addEventListener("message", (e) => {
    try {
      const m = JSON.parse(e.data);
      if (m?.eventType) receive(m.eventType, m.eventData);
    } catch (_e) {
      // Not a Telegram message.
    }
  });

  function el(tag, attrs, kids) {
    const node = document.createElement(tag);
    for (const k in attrs || {}) {
      const v = attrs[k];
      if (v === false || v === undefined || v === null) continue;
      if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids || []) if (kid) node.appendChild(kid);
    return node;
  }
  const str = (key, vars) => {
    let s = key.split(".").reduce((o, k) => (o ? o[k] : undefined), S.page?.strings) || key;
    for (const v in vars || {}) s = s.replace(`{{${v}}}`, vars[v]);
    return s;
  };

  function fatal(message) {
    root.replaceChildren(el("p", { class: "alert", role: "alert", text: message }));
  }

  async function call(path, body) {
    let res;
    try {
      res = await fetch(`/app/api/${path}`, {
        method: "POST",
        credentials: "omit",
        headers: { "content-type": "application/json", authorization: `Bearer ${S.session}` },
        body: JSON.stringify(body),
      });
    } catch (_e) {
      return { status: 0, body: { message: S.page ? str("network") : "Network error / Lỗi mạng" } };
    }
    let json = {};
    try {
      json = await res.json();
    } catch (_e) {
      json = { message: `HTTP ${res.status}` };
    }
    return { status: res.status, body: json };
  }

  // --- the form ---

  function inputId(id) {
    return `q-${id}`;
  }

  function choiceGroup(f, kind) {
    const box = el("div", { class: kind === "radio" ? "choices" : "choices ticks" });
    const opts = f.options.slice();
    if (kind === "checkbox") opts.push({ value: S.page.none, label: f.none });
    for (const o of opts) {
      const input = el("input", { type: kind, name: f.id, value: o.value });
      box.appendChild(
        el("label", { class: "choice", "data-value": o.value }, [input, el("span", { text: o.label })]),
      );
    }
    return box;
  }

  function field(f) {
    const id = inputId(f.id);
    const err = el("p", { class: "err", id: `e-${f.id}`, hidden: true });
    const opt = el("span", { class: "opt", text: ` ${str("optional")}`, hidden: true });
    let control;
    let hint = f.example ? str("example", { example: f.example }) : "";
    const many = f.type === "choice" && f.options.length > 5;
    if (f.type === "choice" && !many) control = choiceGroup(f, "radio");
    else if (f.type === "multi" || f.type === "toggles") control = choiceGroup(f, "checkbox");
    else if (f.type === "province" || many) {
      control = el("select", { id, name: f.id }, [el("option", { value: "", text: str("pick") })]);
      for (const o of f.options) control.appendChild(el("option", { value: o.value, text: o.label }));
    } else if (f.type === "list") {
      control = el("textarea", { id, name: f.id, rows: 2, maxlength: 4000 });
      hint = `${str("placesHint")} ${hint}`;
    } else {
      control = el("input", {
        type: "text",
        id,
        name: f.id,
        autocomplete: "off",
        maxlength: 200,
        inputmode: f.type === "year" ? "numeric" : undefined,
        list: f.type === "commune" ? "communes" : undefined,
      });
      if (f.type === "commune") hint = `${str("communeHint")} ${hint}`;
    }
    const hintEl = hint ? el("p", { class: "hint", id: `h-${f.id}`, text: hint }) : null;
    const grouped = control.tagName === "DIV";
    const title = grouped
      ? el("legend", {}, [document.createTextNode(f.label), opt])
      : el("label", { class: "q", for: id }, [document.createTextNode(f.label), opt]);
    if (!grouped) control.setAttribute("aria-describedby", `e-${f.id}${hintEl ? ` h-${f.id}` : ""}`);
    return el(grouped ? "fieldset" : "div", { class: "field", id: `f-${f.id}`, "data-id": f.id }, [
      title,
      hintEl,
      control,
      err,
    ]);
  }

  function read() {
    const out = {};
    for (const f of S.page.fields) {
      const box = document.getElementById(`f-${f.id}`);
      if (!box || box.hidden) continue;
      if (f.type === "multi" || f.type === "toggles") {
        out[f.id] = [...box.querySelectorAll("input:checked")].map((i) => i.value);
      } else if (f.type === "choice" && box.tagName === "FIELDSET") {
        const on = box.querySelector("input:checked");
        out[f.id] = on ? on.value : "";
      } else out[f.id] = box.querySelector("input,select,textarea").value;
    }
    return out;
  }

  function fill(answers) {
    for (const f of S.page.fields) {
      const box = document.getElementById(`f-${f.id}`);
      const v = answers[f.id];
      if (v === undefined) continue;
      if (Array.isArray(v) || f.type === "choice") {
        for (const i of box.querySelectorAll("input"))
          i.checked = Array.isArray(v) ? v.indexOf(i.value) >= 0 : i.value === v;
      }
      const plain = box.querySelector("select,textarea,input[type=text]");
      if (plain && !Array.isArray(v)) plain.value = v;
    }
  }

  function apply(state) {
    let wrong = 0;
    for (const f of S.page.fields) {
      const box = document.getElementById(`f-${f.id}`);
      box.hidden = state.visible.indexOf(f.id) < 0;
      box.querySelector(".opt").hidden = state.optional.indexOf(f.id) < 0;
      const hiddenOpts = state.hiddenOptions[f.id] || [];
      for (const c of box.querySelectorAll("[data-value]")) {
        c.hidden = hiddenOpts.indexOf(c.getAttribute("data-value")) >= 0;
        if (c.hidden) c.querySelector("input").checked = false;
      }
      const message = !box.hidden && (S.submitted || S.touched[f.id]) ? state.errors[f.id] : "";
      const err = document.getElementById(`e-${f.id}`);
      err.textContent = message || "";
      err.hidden = !message;
      for (const c of box.querySelectorAll("input,select,textarea"))
        if (message) c.setAttribute("aria-invalid", "true");
        else c.removeAttribute("aria-invalid");
      if (message) wrong++;
    }
    const list = document.getElementById("communes");
    list.replaceChildren(...state.communes.map((name) => el("option", { value: name })));
    return wrong;
  }

  async function check() {
    const r = await call("check", { personId: S.form.personId, answers: read() });
    if (r.status === 200) apply(r.body);
    else if (r.status !== 0) notice(r.body.message);
  }

  function notice(message) {
    const box = document.getElementById("notice");
    box.textContent = message || "";
    box.hidden = !message;
    if (message) box.scrollIntoView({ block: "center" });
  }

  function ticked(e) {
    // "None of these" and an item exclude each other.
    const t = e.target;
    if (t.type !== "checkbox") return;
    for (const i of t.closest(".choices").querySelectorAll("input")) {
      if (i !== t && t.checked && (t.value === S.page.none) !== (i.value === S.page.none)) i.checked = false;
    }
  }

  async function submit(e) {
    e.preventDefault();
    const button = document.getElementById("send");
    button.disabled = true;
    button.textContent = str("sending");
    notice("");
    const r = await call("submit", { personId: S.form.personId, answers: read(), submit: S.form.submit });
    button.disabled = false;
    button.textContent = S.page.confirm;
    if (r.status === 200 && r.body.ok) return done(r.body.message);
    if (r.status === 200) {
      S.submitted = true;
      const wrong = apply(r.body.state);
      notice(str("fix", { count: wrong }));
      const first = document.querySelector(".err:not([hidden])");
      if (first) first.closest(".field").querySelector("input,select,textarea").focus();
      return;
    }
    notice(r.body.message);
  }

  function done(message) {
    const kids = [el("p", { class: "ok", role: "status", text: message })];
    if (S.people.length > 1) {
      const again = el("button", { type: "button", class: "secondary", text: str("another") });
      again.addEventListener("click", () => openForm(null));
      kids.push(again);
    }
    const close = el("button", { type: "button", text: str("close") });
    close.addEventListener("click", () => tgPost("web_app_close"));
    kids.push(close);
    root.replaceChildren(el("h1", { text: str("title") }), ...kids);
    tgPost("web_app_close_scan_qr_popup");
  }

  function render(form) {
    S.form = form;
    S.touched = {};
    S.submitted = false;
    const kids = [el("h1", { text: str("title") })];
    if (S.people.length > 1) {
      const pick = el("select", { id: "who" });
      for (const p of S.people) {
        const o = el("option", { value: p.id === null ? "" : String(p.id), text: p.name || str("self") });
        if (p.id === form.personId) o.selected = true;
        pick.appendChild(o);
      }
      pick.addEventListener("change", () => openForm(pick.value === "" ? null : Number(pick.value)));
      kids.push(
        el("div", { class: "field" }, [el("label", { class: "q", for: "who", text: str("who") }), pick]),
      );
    }
    kids.push(el("p", { class: "note", text: str(form.first ? "first" : "again") }));
    kids.push(el("p", { class: "alert", id: "notice", role: "alert", hidden: true }));
    const f = el("form", { novalidate: true }, S.page.fields.map(field));
    f.appendChild(el("datalist", { id: "communes" }));
    f.appendChild(el("p", { class: "pledge", text: S.page.pledge }));
    f.appendChild(el("button", { type: "submit", id: "send", text: S.page.confirm }));
    f.addEventListener("change", (e) => {
      ticked(e);
      const box = e.target.closest("[data-id]");
      if (box) S.touched[box.getAttribute("data-id")] = true;
      clearTimeout(S.timer);
      S.timer = setTimeout(check, 200);
    });
    f.addEventListener("input", (e) => {
      // What was wrong is being changed: its message goes until the next check.
      const box = e.target.closest("[data-id]");
      const err = box && document.getElementById(`e-${box.getAttribute("data-id")}`);
      if (err) err.hidden = true;
      if (e.target.getAttribute("list") !== "communes") return;
      clearTimeout(S.timer);
      S.timer = setTimeout(check, 350);
    });
    f.addEventListener("submit", submit);
    kids.push(f);
    root.replaceChildren(...kids);
    fill(form.answers);
    apply(form.state);
  }

  async function openForm(personId) {
    const r = await call("form", { personId });
    if (r.status === 200) render(r.body);
    else fatal(r.body.message);
  }

  // --- scanning (Telegram's own QR scanner) ---

  function tone(text) {
    if (/⛔/.test(text)) return "red";
    if (/🔴/.test(text)) return "red";
    if (/🟡/.test(text)) return "yellow";
    if (/🟢|✅/.test(text)) return "green";
    return "";
  }

  function renderScan(screen) {
    const list = el("div", { id: "results", "aria-live": "polite" });
    const button = el("button", { type: "button", id: "scan", text: str("scan.button") });
    const busy = { on: false };
    button.addEventListener("click", () => {
      if (!window.TelegramWebviewProxy && window.parent === window) return notice(str("scan.unavailable"));
      tgPost("web_app_open_scan_qr_popup", { text: str("scan.prompt") });
    });
    handlers.qr_text_received = async (data) => {
      // One code at a time: the popup closes, the result shows, the next scan is one tap away.
      tgPost("web_app_close_scan_qr_popup");
      if (busy.on || typeof data.data !== "string") return;
      busy.on = true;
      const r = await call(screen === "scan" ? "scan" : "checkin", { text: data.data });
      busy.on = false;
      const texts = r.status === 200 ? r.body.texts : [r.body.message];
      const text = texts.join("\n\n");
      const item = el("div", { class: `result ${tone(text)}`, role: "status" });
      for (const line of text.split("\n")) item.appendChild(el("p", { text: line }));
      list.prepend(item);
    };
    root.replaceChildren(
      el("h1", { text: str("scan.title") }),
      el("p", { class: "note", text: str(screen === "scan" ? "scan.staffIntro" : "scan.visitorIntro") }),
      el("p", { class: "alert", id: "notice", role: "alert", hidden: true }),
      button,
      list,
    );
  }

  function theme(params) {
    try {
      const p = JSON.parse(params);
      const set = (name, v) =>
        v && /^#[0-9a-f]{3,8}$/i.test(v) && document.documentElement.style.setProperty(name, v);
      set("--bg", p.bg_color);
      set("--text", p.text_color);
      set("--hint", p.hint_color);
      set("--accent", p.button_color);
      set("--accent-text", p.button_text_color);
    } catch (_e) {
      // Default colours.
    }
  }

  async function start() {
    const hash = new URLSearchParams(location.hash.slice(1));
    // The one-time link or init data leaves the address bar (and the history) at once.
    if (location.hash) history.replaceState(null, "", location.pathname + location.search);
    const screen = new URLSearchParams(location.search).get("screen");
    const initData = hash.get("tgWebAppData");
    const link = hash.get("t");
    if (hash.get("tgWebAppThemeParams")) theme(hash.get("tgWebAppThemeParams"));
    tgPost("web_app_ready");
    tgPost("web_app_expand");
    // A reload keeps its session: the init data or link it was opened with works only once.
    S.session = sessionStorage.getItem(KEY) || "";
    let r = S.session ? await call("session", { resume: true }) : null;
    if (r?.status !== 200) {
      if (!initData && !link) {
        if (r) return fatal(r.body.message);
        return fatal("Liên kết không hợp lệ. / This link is not valid.");
      }
      S.session = "";
      r = await call("session", initData ? { initData } : { link });
    }
    if (r.status !== 200) return fatal(r.body.message);
    S.session = r.body.session;
    sessionStorage.setItem(KEY, S.session);
    S.page = r.body;
    S.people = r.body.people;
    document.documentElement.lang = r.body.lang;
    document.title = str("title");
    if (screen === "scan" || screen === "checkin") renderScan(screen);
    else render(r.body.form);
    performance.mark?.("webapp:form");
  }

  start();
})();
