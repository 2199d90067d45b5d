/**
 * The simulator's page and style. Static text: everything the bot or a person says is put into
 * the page by the script with textContent, never as HTML.
 */

export const pageHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WhatsApp simulator · Headshots bot</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/simulator/app.css">
<script src="/simulator/app.js" defer></script>
</head>
<body>
<div class="app">
  <aside class="sidebar">
    <header class="sidebar-head">
      <h1>Simulator</h1>
      <p>Each person chats with the bot through the fake WhatsApp Cloud API: signed webhooks in, Graph API sends out.</p>
    </header>
    <form id="new-person" class="new-person" novalidate>
      <input id="person-name" name="name" placeholder="Name" maxlength="40" autocomplete="off" aria-label="Name">
      <input id="person-phone" name="phone" placeholder="Phone, e.g. 972501234567" inputmode="numeric" maxlength="15" autocomplete="off" aria-label="Phone number">
      <button type="submit">Start chat</button>
      <p id="person-error" class="error" role="alert"></p>
    </form>
    <ul id="people" class="people" aria-label="People"></ul>
  </aside>
  <main class="chat">
    <header class="chat-head">
      <div class="avatar" aria-hidden="true"><svg viewBox="0 0 24 24" width="22" height="22"><path fill="#fff" d="M9 4 7.2 6H4a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V8a2 2 0 0 0-2-2h-3.2L15 4H9zm3 4.5a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9zm0 2a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z"/></svg></div>
      <div>
        <div class="chat-title">Headshots bot</div>
        <div id="chat-status" class="chat-status">choose or add a person</div>
      </div>
    </header>
    <section id="messages" class="messages" aria-label="Messages">
      <p id="empty" class="empty">Add a person on the left and say hello.</p>
    </section>
    <p id="send-error" class="error send-error" role="alert"></p>
    <form id="composer" class="composer">
      <label class="attach" title="Attach photos, a voice note, a video or a document">
        <svg aria-hidden="true" viewBox="0 0 24 24" width="24" height="24"><path fill="none" stroke="#54656f" stroke-width="2" stroke-linecap="round" d="M20 11.5 12.3 19.2a5 5 0 0 1-7.1-7.1l8-8a3.3 3.3 0 0 1 4.7 4.7l-8 8a1.7 1.7 0 0 1-2.4-2.4l7.3-7.3"/></svg>
        <input id="photo-input" type="file" multiple aria-label="Attach photos or files">
      </label>
      <label class="attach" title="Send a sticker (a WebP image)">🙂<input id="sticker-input" type="file" accept="image/webp,.webp" aria-label="Send a sticker"></label>
      <button type="button" id="contact-button" class="attach-button" title="Share a contact" aria-label="Share a contact">👤</button>
      <button type="button" id="location-button" class="attach-button" title="Send a location" aria-label="Send a location">📍</button>
      <input id="text-input" placeholder="Type a message" maxlength="4096" autocomplete="off" aria-label="Message" disabled>
      <button type="submit" id="send-button" aria-label="Send" disabled>➤</button>
    </form>
  </main>
</div>
<div id="sheet" class="sheet" hidden>
  <div class="sheet-panel" role="dialog" aria-modal="true" aria-labelledby="sheet-title">
    <header><button type="button" id="sheet-close" class="sheet-close" aria-label="Close">✕</button><span id="sheet-title"></span></header>
    <ul id="sheet-rows" class="sheet-rows"></ul>
  </div>
</div>
</body>
</html>
`

export const stylesheet = `
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { font: 14.2px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; color: #111b21; background: #d1d7db; }
.app { display: flex; height: 100%; max-width: 1400px; margin: 0 auto; background: #fff; box-shadow: 0 1px 3px rgba(11,20,26,.2); }
.sidebar { width: 320px; flex: none; display: flex; flex-direction: column; border-right: 1px solid #e9edef; background: #fff; }
.sidebar-head { background: #f0f2f5; padding: 14px 16px; }
.sidebar-head h1 { margin: 0; font-size: 18px; font-weight: 600; color: #008069; }
.sidebar-head p { margin: 4px 0 0; font-size: 12px; color: #667781; }
.new-person { display: grid; grid-template-columns: 1fr; gap: 6px; padding: 12px 16px; border-bottom: 1px solid #e9edef; }
.new-person input { padding: 8px 10px; border: 1px solid #d1d7db; border-radius: 8px; font: inherit; }
.new-person button { padding: 8px; border: 0; border-radius: 8px; background: #008069; color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
.error { margin: 0; color: #d93025; font-size: 12.5px; }
.error:empty { display: none; }
.people { list-style: none; margin: 0; padding: 0; overflow-y: auto; flex: 1; }
.people button { display: flex; gap: 12px; align-items: center; width: 100%; padding: 10px 16px; border: 0; border-bottom: 1px solid #f0f2f5; background: none; text-align: left; font: inherit; cursor: pointer; }
.people button:hover { background: #f5f6f6; }
.people button[aria-current="true"] { background: #f0f2f5; }
.people .avatar { width: 40px; height: 40px; font-size: 16px; background: #dfe5e7; color: #54656f; }
.people small { display: block; color: #667781; }
.avatar { width: 40px; height: 40px; border-radius: 50%; display: grid; place-items: center; background: #25d366; font-size: 20px; flex: none; }
.chat { flex: 1; display: flex; flex-direction: column; min-width: 0; background-color: #efeae2;
  background-image: radial-gradient(rgba(0,0,0,.035) 1px, transparent 1px); background-size: 18px 18px; }
.chat-head { display: flex; gap: 12px; align-items: center; padding: 10px 16px; background: #f0f2f5; border-bottom: 1px solid #e9edef; }
.chat-title { font-weight: 600; }
.chat-status { font-size: 12.5px; color: #667781; }
.chat-status.typing { color: #008069; }
.messages { flex: 1; overflow-y: auto; padding: 16px 7%; display: flex; flex-direction: column; gap: 2px; }
.empty { margin: auto; padding: 8px 14px; border-radius: 8px; background: #ffeecd; color: #54656f; font-size: 12.5px; }
.msg { display: flex; flex-direction: column; max-width: min(65%, 480px); margin-top: 6px; }
.msg.bot { align-self: flex-start; }
.msg.person { align-self: flex-end; }
.bubble { position: relative; padding: 6px 8px 8px 9px; border-radius: 7.5px; background: #fff; box-shadow: 0 1px .5px rgba(11,20,26,.13); overflow-wrap: anywhere; }
.msg.person .bubble { background: #d9fdd3; }
.msg.bot .bubble { border-top-left-radius: 0; }
.msg.person .bubble { border-top-right-radius: 0; }
.msg.has-reaction { margin-bottom: 14px; }
.bubble .header { font-weight: 600; margin-bottom: 2px; }
.bubble .text { white-space: pre-wrap; }
.bubble .footer { color: #667781; font-size: 12.5px; margin-top: 2px; }
.bubble .text a { color: #027eb5; }
.bubble .media { display: block; max-width: 100%; width: 300px; max-height: 360px; object-fit: cover; border-radius: 6px; margin: -2px -4px 4px; background: #e9edef; }
.bubble .document { display: flex; gap: 8px; align-items: center; padding: 8px; border-radius: 6px; background: rgba(0,0,0,.04); color: inherit; text-decoration: none; }
.meta { float: right; margin: 6px 0 -4px 10px; font-size: 11px; color: #667781; white-space: nowrap; }
.ticks { margin-left: 3px; color: #8696a0; letter-spacing: -3px; }
.ticks.read { color: #53bdeb; }
.reaction { position: absolute; bottom: -16px; left: 8px; padding: 1px 5px; border-radius: 12px; background: #fff; box-shadow: 0 1px 2px rgba(11,20,26,.2); font-size: 14px; }
.msg.person .reaction { left: auto; right: 8px; }
.actions { display: flex; flex-direction: column; gap: 2px; margin-top: 2px; }
.action { display: block; width: 100%; padding: 9px; border: 0; border-radius: 7.5px; background: #fff; box-shadow: 0 1px .5px rgba(11,20,26,.13); color: #027eb5; text-align: center; text-decoration: none; font: inherit; font-weight: 500; cursor: pointer; }
.action:hover { background: #f5f6f6; }
.action:disabled { color: #8696a0; cursor: default; }
.composer { display: flex; gap: 8px; align-items: center; padding: 8px 16px; background: #f0f2f5; }
.composer input[type="text"], #text-input { flex: 1; padding: 10px 12px; border: 0; border-radius: 8px; font: inherit; background: #fff; }
.composer button { width: 42px; height: 42px; border: 0; border-radius: 50%; background: #008069; color: #fff; font-size: 18px; cursor: pointer; }
.composer button:disabled { background: #8696a0; cursor: default; }
.attach { position: relative; display: grid; place-items: center; width: 36px; height: 36px; font-size: 22px; cursor: pointer; overflow: hidden; }
.attach input { position: absolute; inset: 0; opacity: 0; cursor: pointer; }
.send-error { padding: 0 16px 4px; background: #f0f2f5; }
.composer .attach-button { width: 36px; height: 36px; background: none; font-size: 20px; }
.bubble .sticker { width: 140px; height: 140px; object-fit: contain; background: none; }
.bubble audio { display: block; width: 260px; margin-bottom: 4px; }
.msg[data-deleted=true] .text { font-style: italic; color: #667781; }
.edited { margin-right: 4px; font-style: italic; }
/* Hidden, not removed, until hovered: showing them must not move what is under the pointer. */
.tools { display: flex; visibility: hidden; gap: 4px; margin-top: 2px; }
.msg:hover .tools, .msg:focus-within .tools { visibility: visible; }
.tools button { padding: 1px 8px; border: 0; border-radius: 10px; background: rgba(255,255,255,.8); color: #54656f; font: inherit; font-size: 12px; cursor: pointer; }
.sheet { position: fixed; inset: 0; display: flex; align-items: flex-end; justify-content: center; background: rgba(11,20,26,.35); }
.sheet[hidden] { display: none; }
.sheet-panel { width: min(440px, 100%); max-height: 80%; overflow-y: auto; background: #fff; border-radius: 12px 12px 0 0; }
.sheet-panel header { display: flex; gap: 12px; align-items: center; padding: 14px 16px; font-weight: 600; border-bottom: 1px solid #e9edef; }
.sheet-close { border: 0; background: none; font-size: 16px; cursor: pointer; color: #54656f; }
.sheet-rows { list-style: none; margin: 0; padding: 0; }
.sheet-rows button { display: block; width: 100%; padding: 12px 20px; border: 0; border-bottom: 1px solid #f0f2f5; background: none; text-align: left; font: inherit; cursor: pointer; }
.sheet-rows button:hover { background: #f5f6f6; }
.sheet-rows small { display: block; color: #667781; }
`
