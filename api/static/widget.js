/*
 * Referat-RAG chat widget. One tag on any page:
 *   <script src="https://host/static/widget.js" data-api="https://host" defer></script>
 * Optional data-api-key="…" is sent as X-API-Key. Anyone who can open the page can read the key:
 * use only an intranet-wide read key here, never an admin key.
 *
 * Everything lives in a shadow root (host CSS cannot reach in, ours cannot leak out). Server and
 * user text is only ever inserted with textContent / DOM APIs — never innerHTML — because minutes
 * may contain HTML or script.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.referatWidgetLoaded) return;
  window.referatWidgetLoaded = true;

  var api = (script.getAttribute("data-api") || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  var apiKey = script.getAttribute("data-api-key");
  var cssUrl = new URL("widget.css", script.src || location.href).href;
  var MSG_DOWN = "Tjenesten svarer ikke lige nu. Prøv igen senere.";
  var MAX_Q_PARAM = 1000; // the highlight quote in a source link; longer ones are cut at a word

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  // ---- UI -------------------------------------------------------------------------------------
  // A custom element name: host-page rules for div/section/etc. cannot hide or restyle the host.
  var host = el("referat-widget", {});
  host.style.display = "none"; // until our CSS is in (CSSOM, so a host CSP without 'unsafe-inline' is fine)
  var root = host.attachShadow({ mode: "open" });
  var link = el("link", { rel: "stylesheet", href: cssUrl });
  link.addEventListener("load", function () { host.style.display = ""; });
  link.addEventListener("error", function () { host.style.display = ""; });

  var launcher = el("button", {
    type: "button", class: "rw-launcher", "aria-expanded": "false", "aria-controls": "rw-panel",
    onclick: function () { if (panel.hidden) open(); else close(); },
  }, [el("span", { class: "rw-icon", "aria-hidden": "true", text: "?" }), el("span", { text: "Spørg referaterne" })]);

  var input = el("input", {
    id: "rw-input", class: "rw-input", type: "text", name: "question", autocomplete: "off",
    placeholder: "Skriv dit spørgsmål…",
  });
  var form = el("form", { class: "rw-form", role: "search", onsubmit: onSubmit }, [
    el("label", { for: "rw-input", class: "rw-sr", text: "Dit spørgsmål" }),
    input,
    el("button", { type: "submit", class: "rw-send", text: "Send" }),
  ]);
  var statusEl = el("p", { class: "rw-status", role: "status" });
  var errorEl = el("p", { class: "rw-error", role: "alert", hidden: true });
  var questionEl = el("p", { class: "rw-question", hidden: true });
  var answerEl = el("div", { class: "rw-answer", "aria-live": "polite" });
  var sourcesList = el("ol", { class: "rw-sources-list" });
  var sourcesEl = el("section", { class: "rw-sources", "aria-labelledby": "rw-sources-h", hidden: true }, [
    el("h3", { id: "rw-sources-h", text: "Kilder" }), sourcesList,
  ]);
  var thanks = el("span", { class: "rw-thanks", role: "status" });
  // Plain words, not thumb emoji: many intranet PCs have no emoji font.
  var upBtn = el("button", { type: "button", class: "rw-rate", "aria-pressed": "false", text: "Ja",
    onclick: function () { rate("up"); } });
  var downBtn = el("button", { type: "button", class: "rw-rate", "aria-pressed": "false", text: "Nej",
    onclick: function () { rate("down"); } });
  var feedbackEl = el("div", { class: "rw-feedback", role: "group", "aria-labelledby": "rw-feedback-q", hidden: true }, [
    el("span", { id: "rw-feedback-q", text: "Var svaret nyttigt?" }), upBtn, downBtn, thanks,
  ]);
  var panel = el("div", {
    id: "rw-panel", class: "rw-panel", role: "dialog", "aria-label": "Spørg referaterne", hidden: true,
  }, [
    el("div", { class: "rw-head" }, [
      el("h2", { class: "rw-title", text: "Spørg referaterne" }),
      el("button", { type: "button", class: "rw-close", text: "Luk", onclick: function () { close(); } }),
    ]),
    form,
    el("div", { class: "rw-body" }, [statusEl, errorEl, questionEl, answerEl, sourcesEl, feedbackEl]),
  ]);
  root.appendChild(link);
  root.appendChild(launcher);
  root.appendChild(panel);
  root.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !panel.hidden) { e.preventDefault(); close(); }
  });
  (document.body || document.documentElement).appendChild(host);

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    input.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  // ---- rendering --------------------------------------------------------------------------------
  function danishDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? m[3] + "." + m[2] + "." + m[1] : (iso || "ukendt dato");
  }

  function label(c) {
    var item = c.item === "header" ? "mødets forside" : "punkt " + c.item;
    return [danishDate(c.date), c.cluster || "ukendt klynge", item + " «" + (c.title || "") + "»"].join(" · ");
  }

  function sourceUrl(c) {
    var q = c.quote || "";
    if (q.length > MAX_Q_PARAM) q = q.slice(0, q.lastIndexOf(" ", MAX_Q_PARAM) > 0 ? q.lastIndexOf(" ", MAX_Q_PARAM) : MAX_Q_PARAM);
    var anchor = c.item === "header" ? "forside" : "punkt-" + encodeURIComponent(c.item);
    return api + "/meetings/" + encodeURIComponent(c.meeting_id) + "?q=" + encodeURIComponent(q) + "#" + anchor;
  }

  function sourceLink(c, n, cls, text) {
    return el("a", {
      class: cls, href: sourceUrl(c), target: "_blank", rel: "noopener",
      "aria-label": "Kilde " + n + ": " + label(c) + " (åbner i nyt faneblad)", text: text,
    });
  }

  function renderSources(list) {
    sourcesList.textContent = "";
    list.forEach(function (c, i) {
      var n = c.n || i + 1;
      sourcesList.appendChild(el("li", {}, [sourceLink(c, n, "rw-source", "[" + n + "] " + label(c))]));
    });
    sourcesEl.hidden = list.length === 0;
  }

  function renderAnswer(done) {
    answerEl.textContent = "";
    answerEl.classList.toggle("rw-refused", !!done.refused);
    var cites = done.citations || [];
    String(done.answer || "").split(/(\[\d+\])/).forEach(function (part) {
      var m = /^\[(\d+)\]$/.exec(part);
      var c = m && !done.refused ? cites[Number(m[1]) - 1] : null;
      answerEl.appendChild(c ? sourceLink(c, m[1], "rw-chip", m[1]) : document.createTextNode(part));
    });
    renderSources(done.refused ? [] : cites);
  }

  function showError(message) {
    statusEl.textContent = "";
    answerEl.removeAttribute("aria-busy");
    errorEl.textContent = message;
    errorEl.hidden = false;
  }

  // ---- asking -----------------------------------------------------------------------------------
  var controller = null;
  var last = null; // {question, answer} of the shown answer, for feedback

  function headers() {
    var h = { "Content-Type": "application/json", Accept: "text/event-stream" };
    if (apiKey) h["X-API-Key"] = apiKey;
    return h;
  }

  function onSubmit(e) {
    e.preventDefault();
    var q = input.value.trim();
    if (!q) { showError("Skriv et spørgsmål."); input.focus(); return; }
    ask(q);
  }

  function reset(question) {
    errorEl.hidden = true;
    errorEl.textContent = "";
    answerEl.textContent = "";
    answerEl.classList.remove("rw-refused");
    answerEl.setAttribute("aria-busy", "true");
    questionEl.textContent = "Du spurgte: " + question;
    questionEl.hidden = false;
    renderSources([]);
    feedbackEl.hidden = true;
    thanks.textContent = "";
    [upBtn, downBtn].forEach(function (b) { b.disabled = false; b.setAttribute("aria-pressed", "false"); });
    statusEl.textContent = "Søger i referaterne…";
    last = null;
  }

  function retryMessage(res) {
    var raw = res.headers.get("Retry-After");
    var secs = raw === null ? NaN : /^\d+$/.test(raw.trim()) ? Number(raw) : Math.ceil((Date.parse(raw) - Date.now()) / 1000);
    if (!(secs > 0)) return "For mange spørgsmål på kort tid. Prøv igen om lidt.";
    return "For mange spørgsmål på kort tid. Prøv igen om " + secs + (secs === 1 ? " sekund." : " sekunder.");
  }

  function httpError(res) {
    return res.json().catch(function () { return null; }).then(function (body) {
      var detail = body && typeof body.detail === "string" ? body.detail : null;
      if (res.status === 429) return retryMessage(res);
      if (detail) return detail; // 401, 403, 422, 503 … carry a Danish detail
      if (res.status >= 500) return MSG_DOWN;
      return "Der opstod en fejl (HTTP " + res.status + ").";
    });
  }

  function ask(question) {
    if (controller) controller.abort();
    var mine = controller = new AbortController();
    reset(question);
    var streamed = "";
    var finished = false;

    function handle(kind, data) {
      if (kind === "sources") {
        if (!data.refused) renderSources(data.sources || []);
        statusEl.textContent = "Skriver svar…";
      } else if (kind === "token") {
        streamed += data.text || "";
        answerEl.textContent = streamed;
      } else if (kind === "done") {
        finished = true;
        statusEl.textContent = "";
        answerEl.removeAttribute("aria-busy");
        renderAnswer(data);
        last = { question: question, answer: String(data.answer || "") };
        feedbackEl.hidden = false;
      } else if (kind === "error") {
        finished = true;
        showError((data && data.detail) || MSG_DOWN);
      }
    }

    function dispatch(block) {
      var kind = "message", data = [];
      block.split("\n").forEach(function (line) {
        if (line.indexOf("event:") === 0) kind = line.slice(6).trim();
        else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
      });
      if (!data.length) return; // comments / pings
      try { handle(kind, JSON.parse(data.join("\n"))); } catch (err) { /* a malformed event is skipped */ }
    }

    fetch(api + "/api/ask/stream", {
      method: "POST", headers: headers(), body: JSON.stringify({ question: question }), signal: mine.signal,
    }).then(function (res) {
      if (!res.ok) return httpError(res).then(showError);
      var reader = res.body.getReader();
      var decoder = new TextDecoder();
      var buf = "";
      function pump() {
        return reader.read().then(function (step) {
          if (mine !== controller) { reader.cancel(); return; }
          if (step.done) {
            if (buf.trim()) dispatch(buf.replace(/\r\n?/g, "\n"));
            if (!finished) showError("Svaret blev afbrudt. Prøv igen.");
            return;
          }
          buf += decoder.decode(step.value, { stream: true });
          // keep a lone trailing \r: its \n may arrive in the next chunk
          var cut = buf.charAt(buf.length - 1) === "\r" ? buf.length - 1 : buf.length;
          var blocks = (buf.slice(0, cut).replace(/\r\n?/g, "\n")).split("\n\n");
          buf = blocks.pop() + buf.slice(cut);
          blocks.forEach(dispatch);
          return pump();
        });
      }
      return pump();
    }).catch(function (err) {
      if (err && err.name === "AbortError") return;
      if (mine === controller) showError(MSG_DOWN);
    });
  }

  // ---- feedback (best effort: failures are ignored) --------------------------------------------------
  function rate(rating) {
    if (!last) return;
    (rating === "up" ? upBtn : downBtn).setAttribute("aria-pressed", "true");
    upBtn.disabled = downBtn.disabled = true;
    thanks.textContent = "Tak for din tilbagemelding.";
    var body = { question: last.question, answer_hash: sha256hex(last.answer), rating: rating };
    try {
      fetch(api + "/api/feedback", { method: "POST", headers: headers(), body: JSON.stringify(body) })
        .catch(function () {});
    } catch (err) { /* ignored */ }
  }

  // SHA-256 of the UTF-8 answer, hex; pure JS because crypto.subtle is missing on plain-http intranets.
  var K = [], H0 = [];
  (function () {
    function frac(x) { return ((x - Math.floor(x)) * 4294967296) | 0; }
    for (var n = 2, found = 0; found < 64; n++) {
      var prime = true;
      for (var d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
      if (!prime) continue;
      if (found < 8) H0[found] = frac(Math.pow(n, 1 / 2));
      K[found++] = frac(Math.pow(n, 1 / 3));
    }
  })();

  function sha256hex(text) {
    var bytes = new TextEncoder().encode(text), len = bytes.length;
    var blocks = ((len + 8) >> 6) + 1, words = new Array(blocks * 16).fill(0), W = new Array(64), H = H0.slice();
    for (var i = 0; i < len; i++) words[i >> 2] |= bytes[i] << (24 - (i % 4) * 8);
    words[len >> 2] |= 0x80 << (24 - (len % 4) * 8);
    words[blocks * 16 - 1] = (len * 8) | 0;
    words[blocks * 16 - 2] = Math.floor(len / 0x20000000);
    function ror(x, r) { return (x >>> r) | (x << (32 - r)); }
    for (var b = 0; b < blocks; b++) {
      for (var t = 0; t < 64; t++) {
        if (t < 16) { W[t] = words[b * 16 + t] | 0; continue; }
        var w15 = W[t - 15], w2 = W[t - 2];
        W[t] = (W[t - 16] + (ror(w15, 7) ^ ror(w15, 18) ^ (w15 >>> 3)) + W[t - 7] +
          (ror(w2, 17) ^ ror(w2, 19) ^ (w2 >>> 10))) | 0;
      }
      var a = H[0], bb = H[1], c = H[2], dd = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
      for (t = 0; t < 64; t++) {
        var t1 = (h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + W[t]) | 0;
        var t2 = ((ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & bb) ^ (a & c) ^ (bb & c))) | 0;
        h = g; g = f; f = e; e = (dd + t1) | 0; dd = c; c = bb; bb = a; a = (t1 + t2) | 0;
      }
      [a, bb, c, dd, e, f, g, h].forEach(function (v, k) { H[k] = (H[k] + v) | 0; });
    }
    return H.map(function (v) { return ("0000000" + (v >>> 0).toString(16)).slice(-8); }).join("");
  }
})();
