// The settings page. Telegram opens it with its launch parameters in the URL's fragment:
// tgWebAppData (the signed init data) and tgWebAppThemeParams (the client's colours).
// Every request sends the init data; the server checks its signature. All text from the
// server is set as textContent, never as HTML.
"use strict";
(function () {
  const launch = new URLSearchParams(location.hash.slice(1));
  const tg = window.Telegram && window.Telegram.WebApp;
  const initData = (tg && tg.initData) || launch.get("tgWebAppData") || "";
  let state = null;
  let words = {};
  const $ = (id) => document.getElementById(id);

  function applyTheme() {
    let theme = (tg && tg.themeParams) || null;
    if (!theme && launch.get("tgWebAppThemeParams")) {
      try { theme = JSON.parse(launch.get("tgWebAppThemeParams")); } catch (e) { theme = null; }
    }
    if (!theme) return;
    const map = { bg_color: "--bg", text_color: "--text", hint_color: "--hint",
      link_color: "--link", button_color: "--button", button_text_color: "--button-text",
      secondary_bg_color: "--section" };
    for (const [key, variable] of Object.entries(map)) {
      if (/^#[0-9a-fA-F]{3,8}$/.test(theme[key] || "")) {
        document.documentElement.style.setProperty(variable, theme[key]);
      }
    }
  }

  function ready() {
    // Tell the Telegram client the page is drawn (what telegram-web-app.js's ready() sends).
    const event = JSON.stringify({ eventType: "web_app_ready", eventData: {} });
    try {
      if (window.TelegramWebviewProxy) window.TelegramWebviewProxy.postEvent("web_app_ready", "{}");
      else if (window.parent !== window) window.parent.postMessage(event, "*");
    } catch (e) { /* outside Telegram: nothing to tell */ }
  }

  function say(text, isError) {
    const status = $("status");
    status.textContent = text || "";
    status.className = isError ? "error" : "";
  }

  async function call(method, path, body) {
    const response = await fetch("api/" + path, {
      method: method,
      headers: { "X-Telegram-Init-Data": initData, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (response.status === 401) throw new Error(words.error_auth || "Open the settings from the chat.");
    if (!response.ok) throw new Error(data.error || words.error_bad_value || "Error");
    return data;
  }

  async function change(body) {
    try {
      show(await call("POST", "change", body));
      say(state.note || words.saved, false);
    } catch (e) { say(e.message, true); }
  }

  function button(label, pressed, onClick, data) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.setAttribute("aria-pressed", pressed ? "true" : "false");
    for (const [k, v] of Object.entries(data || {})) b.dataset[k] = v;
    b.addEventListener("click", onClick);
    return b;
  }

  function choices(id, items) {
    const box = $(id);
    box.replaceChildren(...items);
  }

  function modeName(mode) { return words["mode_" + mode] || mode; }

  function show(next) {
    state = next;
    words = next.texts || {};
    document.documentElement.lang = next.language;
    $("title").textContent = words.title;
    document.querySelectorAll("[data-text]").forEach((el) => { el.textContent = words[el.dataset.text] || ""; });
    $("add-query").placeholder = words.add_placeholder || "";

    const topics = $("topics");
    topics.replaceChildren();
    if (!next.topics.length) {
      const li = document.createElement("li");
      li.className = "hint";
      li.textContent = words.no_topics;
      topics.append(li);
    }
    for (const topic of next.topics) {
      const li = document.createElement("li");
      li.dataset.sub = topic.sub_id;
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = topic.name;
      const mode = document.createElement("select");
      mode.setAttribute("aria-label", words.topic_mode);
      mode.className = "topic-mode";
      for (const value of ["", ...next.choices.modes]) {
        const option = document.createElement("option");
        option.value = value;
        option.textContent = value ? modeName(value) : words.topic_mode_chat;
        option.selected = (topic.mode || "") === value;
        mode.append(option);
      }
      mode.addEventListener("change", () => change({ op: "topic_mode", sub_id: topic.sub_id, mode: mode.value || null }));
      const urgent = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox"; box.className = "topic-urgent"; box.checked = topic.urgent;
      box.style.width = "auto";
      box.addEventListener("change", () => change({ op: "urgent", sub_id: topic.sub_id, urgent: box.checked }));
      urgent.append(box, " " + words.urgent);
      const remove = button(words.remove, false, () => change({ op: "remove_topic", sub_id: topic.sub_id }), { remove: topic.sub_id });
      li.append(name, mode, urgent, remove);
      topics.append(li);
    }

    choices("mode", next.choices.modes.map((m) =>
      button(modeName(m), next.mode === m, () => change({ op: "mode", mode: m }), { mode: m })));
    const quietItems = next.choices.quiet.map((q) => button(q.start + "–" + q.end,
      !!next.quiet && next.quiet.start === q.start && next.quiet.end === q.end,
      () => change({ op: "quiet", start: q.start, end: q.end }), { quiet: q.start + "-" + q.end }));
    quietItems.push(button(words.quiet_off, !next.quiet, () => change({ op: "quiet", start: null }), { quiet: "off" }));
    choices("quiet", quietItems);
    const digestItems = next.choices.digest_times.map((t) =>
      button(t, next.digest_time === t, () => change({ op: "digest", time: t }), { digest: t }));
    digestItems.push(button(words.digest_off, !next.digest_time, () => change({ op: "digest", time: null }), { digest: "off" }));
    choices("digest", digestItems);

    const zone = $("timezone");
    zone.replaceChildren(...next.choices.timezones.map((z) => {
      const option = document.createElement("option");
      option.value = z; option.textContent = z; option.selected = z === next.timezone;
      return option;
    }));
    choices("language", next.choices.languages.map((l) =>
      button(l === "de" ? "Deutsch" : "English", next.language === l, () => change({ op: "language", language: l }), { language: l })));

    choices("merge", [true, false].map((on) =>
      button(on ? words.merge_on : words.merge_off, next.merging === on, () => change({ op: "merge", on: on }), { merge: on ? "on" : "off" })));

    const sources = $("sources");
    sources.replaceChildren(...next.sources.map((s) => {
      const li = document.createElement("li");
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox"; box.checked = s.on; box.style.width = "auto"; box.dataset.source = s.catalog_id;
      box.addEventListener("change", () => change({ op: "source", source: s.catalog_id, on: box.checked }));
      label.append(box, " " + s.label);
      li.append(label);
      return li;
    }));
    $("sources-section").hidden = !next.sources.length;
    $("app").setAttribute("aria-busy", "false");
  }

  async function preview(event) {
    event.preventDefault();
    const query = $("add-query").value.trim();
    if (!query) return;
    try {
      const found = await call("POST", "subscribe", { query: query, confirm: false });
      $("preview-topic").textContent = found.topic;
      $("preview-items").replaceChildren(...(found.recent.length ? found.recent : [words.preview_none]).map((t) => {
        const li = document.createElement("li"); li.textContent = t; return li;
      }));
      $("preview").hidden = false;
      say(found.recent.length ? words.preview_recent : "", false);
    } catch (e) { say(e.message, true); }
  }

  async function subscribe() {
    try {
      show(await call("POST", "subscribe", { query: $("add-query").value.trim(), confirm: true }));
      $("preview").hidden = true;
      $("add-query").value = "";
      say(state.note || words.saved, false);
    } catch (e) { say(e.message, true); }
  }

  applyTheme();
  $("add-form").addEventListener("submit", preview);
  $("add-button").addEventListener("click", subscribe);
  $("timezone").addEventListener("change", () => change({ op: "timezone", timezone: $("timezone").value }));
  call("GET", "state").then((s) => { show(s); ready(); }).catch((e) => { say(e.message, true); ready(); });
})();
