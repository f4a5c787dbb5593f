/* 年报问答 widget: <script src="https://HOST/widget.js" data-agency="桃江县财政局" async></script>
 * A floating button and chat panel in a shadow root (isolated from the host page's CSS).
 * All text from the service is inserted with textContent: nothing in an answer can run. */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  if (!script || window.__nianbaoWidget) { return; }
  window.__nianbaoWidget = true;
  var base = new URL(script.src, document.baseURI).origin;
  var agency = script.getAttribute("data-agency") || null;
  var region = script.getAttribute("data-region") || null;
  var history = [];

  var host = document.createElement("div");
  host.setAttribute("data-nianbao", "");
  document.body.appendChild(host);
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    '<style>' +
    ':host{all:initial}' +
    '.btn{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:28px;padding:12px 18px;' +
    'background:#b42318;color:#fff;font:600 15px/1.2 system-ui,sans-serif;box-shadow:0 4px 12px rgba(0,0,0,.25);cursor:pointer}' +
    '.panel{position:fixed;right:20px;bottom:76px;z-index:2147483000;width:min(380px,calc(100vw - 24px));' +
    'height:min(560px,calc(100vh - 100px));display:none;flex-direction:column;background:#fff;color:#1f2328;' +
    'border-radius:12px;box-shadow:0 8px 28px rgba(0,0,0,.3);font:14px/1.55 system-ui,sans-serif;overflow:hidden}' +
    '.panel.open{display:flex}' +
    'header{background:#b42318;color:#fff;padding:10px 14px;font-weight:600;display:flex;justify-content:space-between}' +
    'header button{background:none;border:0;color:#fff;font-size:18px;cursor:pointer}' +
    '.log{flex:1;overflow:auto;padding:10px}' +
    '.msg{margin:6px 0;padding:8px 10px;border-radius:8px;white-space:pre-wrap;word-break:break-word}' +
    '.user{background:#ddf4ff;margin-left:40px}.bot{background:#f6f8fa;margin-right:20px}' +
    '.cite{font-size:12px;color:#57606a;margin-top:6px;border-top:1px dashed #d0d7de;padding-top:4px}' +
    'form{display:flex;gap:6px;padding:8px;border-top:1px solid #d0d7de}' +
    'input{flex:1;padding:8px;border:1px solid #8c959f;border-radius:6px;font:inherit}' +
    'form button{padding:8px 12px;border:0;border-radius:6px;background:#b42318;color:#fff;font:inherit;cursor:pointer}' +
    '</style>' +
    '<button class="btn" type="button" aria-haspopup="dialog" aria-expanded="false">年报问答</button>' +
    '<section class="panel" role="dialog" aria-label="年报问答">' +
    '<header><span>年报问答</span><button type="button" class="close" aria-label="关闭">×</button></header>' +
    '<div class="log" aria-live="polite"></div>' +
    '<form><input name="q" autocomplete="off" aria-label="您的问题" placeholder="请输入问题" maxlength="500">' +
    '<button type="submit">提问</button></form></section>';

  var button = root.querySelector(".btn");
  var panel = root.querySelector(".panel");
  var log = root.querySelector(".log");
  var form = root.querySelector("form");
  var input = root.querySelector("input");

  function toggle(open) {
    panel.classList.toggle("open", open);
    button.setAttribute("aria-expanded", String(open));
    if (open) { input.focus(); } else { button.focus(); }
  }
  button.addEventListener("click", function () { toggle(!panel.classList.contains("open")); });
  root.querySelector(".close").addEventListener("click", function () { toggle(false); });
  panel.addEventListener("keydown", function (event) { if (event.key === "Escape") { toggle(false); } });

  function bubble(kind, text) {
    var div = document.createElement("div");
    div.className = "msg " + kind;
    div.textContent = text;
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  function showCitations(div, citations) {
    citations.forEach(function (c, i) {
      var line = document.createElement("div");
      line.className = "cite";
      line.textContent = "[" + (i + 1) + "] " + c.agency + " " + c.year + "年 · 第" + c.section + "部分" +
        (c.page ? " · 第" + c.page + "页" : "") + "：" + c.quote;
      div.appendChild(line);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = input.value.trim();
    if (!question) { return; }
    input.value = "";
    bubble("user", question);
    var answer = bubble("bot", "…");
    var body = JSON.stringify({ question: question, agency: agency, region: region, history: history.slice(-6) });
    fetch(base + "/api/ask?stream=true", {
      method: "POST", headers: { "Content-Type": "application/json", "Accept": "text/event-stream" }, body: body
    }).then(function (response) {
      if (!response.ok) {
        return response.json().then(function (e) { throw new Error(e.error || e.detail || response.status); });
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      var shown = "";
      answer.textContent = "";
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) { return; }
          buffer += decoder.decode(chunk.value, { stream: true });
          var events = buffer.split("\n\n");
          buffer = events.pop();
          events.forEach(function (raw) {
            var name = (raw.match(/^event: (.*)$/m) || [])[1];
            var data = JSON.parse((raw.match(/^data: (.*)$/m) || [, "{}"])[1]);
            if (name === "delta") { shown += data.text; answer.textContent = shown; }
            if (name === "reset") { shown = ""; answer.textContent = ""; }
            if (name === "answer") {
              answer.textContent = data.answer;
              showCitations(answer, data.citations || []);
              history.push({ role: "user", content: question }, { role: "assistant", content: data.answer });
            }
          });
          log.scrollTop = log.scrollHeight;
          return pump();
        });
      }
      return pump();
    }).catch(function (error) {
      answer.textContent = "抱歉，暂时无法回答（" + error.message + "）。";
    });
  });
})();
