/**
 * The page's script, served as is (no build step). It renders only with textContent and
 * attributes it checks (http and https links), polls the chat, and talks to /simulator/api.
 */
export const clientScript = String.raw`"use strict";
(function () {
  var pollMs = 700;
  var state = { phone: null, people: [], nodes: new Map(), lastView: "", busy: false, timer: null, messages: [] };
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function isWebUrl(url) {
    try {
      var parsed = new URL(url, location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:";
    } catch (error) {
      return false;
    }
  }

  function api(method, path, body, contentType) {
    var init = { method: method, headers: {} };
    if (body !== undefined) {
      init.body = contentType ? body : JSON.stringify(body);
      init.headers["content-type"] = contentType || "application/json";
    }
    return fetch(path, init).then(function (response) {
      if (response.status === 204) return null;
      return response.json().then(function (json) {
        if (!response.ok) throw new Error(json && json.error ? json.error : "HTTP " + response.status);
        return json;
      });
    });
  }

  // WhatsApp's own formatting: *bold*, _italic_, ~strike~, and bare links.
  var formatting = /(\*[^*\n]+\*|_[^_\n]+_|~[^~\n]+~|https?:\/\/[^\s<>"']+)/g;
  function formatted(text) {
    var span = el("div", "text");
    // Hebrew reads right to left: let the browser pick the direction of each message.
    span.dir = "auto";
    var last = 0;
    text.replace(formatting, function (match, _token, offset) {
      if (offset > last) span.appendChild(document.createTextNode(text.slice(last, offset)));
      var first = match.charAt(0);
      if (first === "*") span.appendChild(el("strong", "", match.slice(1, -1)));
      else if (first === "_") span.appendChild(el("em", "", match.slice(1, -1)));
      else if (first === "~") span.appendChild(el("s", "", match.slice(1, -1)));
      else if (isWebUrl(match)) {
        var link = el("a", "", match);
        link.href = match;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        span.appendChild(link);
      } else span.appendChild(document.createTextNode(match));
      last = offset + match.length;
      return match;
    });
    if (last < text.length) span.appendChild(document.createTextNode(text.slice(last)));
    return span;
  }

  function clock(at) {
    return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function setError(id, message) { $(id).textContent = message || ""; }

  // --- people ---------------------------------------------------------------------------------

  function renderPeople() {
    var list = $("people");
    list.replaceChildren();
    state.people.forEach(function (person) {
      var item = el("li");
      var button = el("button");
      button.type = "button";
      button.dataset.phone = person.phone;
      button.setAttribute("aria-current", person.phone === state.phone ? "true" : "false");
      button.appendChild(el("span", "avatar", person.name.charAt(0).toUpperCase()));
      var label = el("span", "", person.name);
      label.appendChild(el("small", "", "+" + person.phone));
      button.appendChild(label);
      button.addEventListener("click", function () { choose(person.phone); });
      item.appendChild(button);
      list.appendChild(item);
    });
  }

  function loadPeople() {
    return api("GET", "/simulator/api/people").then(function (people) {
      state.people = people;
      renderPeople();
      return people;
    });
  }

  function choose(phone) {
    if (state.phone !== phone) {
      state.phone = phone;
      state.nodes = new Map();
      state.lastView = "";
      state.messages = [];
      $("messages").replaceChildren(el("p", "empty", "Say hello to the bot."));
      if (location.hash !== "#" + phone) history.replaceState(null, "", "#" + phone);
    }
    $("text-input").disabled = false;
    $("send-button").disabled = false;
    renderPeople();
    poll();
    $("text-input").focus();
  }

  $("new-person").addEventListener("submit", function (event) {
    event.preventDefault();
    var name = $("person-name").value.trim();
    var phone = $("person-phone").value.replace(/[\s+()-]/g, "");
    if (!name) return setError("person-error", "Give the person a name.");
    if (!/^[1-9][0-9]{7,14}$/.test(phone)) return setError("person-error", "A phone number is 8 to 15 digits with its country code.");
    setError("person-error", "");
    api("POST", "/simulator/api/people", { name: name, phone: phone })
      .then(function (person) {
        $("person-name").value = "";
        $("person-phone").value = "";
        return loadPeople().then(function () { choose(person.phone); });
      })
      .catch(function (error) { setError("person-error", error.message); });
  });

  // --- chat -----------------------------------------------------------------------------------

  function act(promise) {
    setError("send-error", "");
    return promise.then(poll).catch(function (error) { setError("send-error", error.message); });
  }

  function reply(messageId, choiceId) {
    return act(api("POST", "/simulator/api/reply", { phone: state.phone, messageId: messageId, choiceId: choiceId }));
  }

  function openList(item) {
    $("sheet-title").textContent = item.actionLabel || "Choose";
    var rows = $("sheet-rows");
    rows.replaceChildren();
    item.rows.forEach(function (row) {
      var li = el("li");
      var button = el("button", "", row.title);
      button.type = "button";
      button.dir = "auto";
      button.dataset.choice = row.id;
      if (row.description) button.appendChild(el("small", "", row.description));
      button.addEventListener("click", function () {
        closeList();
        reply(item.id, row.id);
      });
      li.appendChild(button);
      rows.appendChild(li);
    });
    $("sheet").hidden = false;
  }

  function closeList() { $("sheet").hidden = true; }
  $("sheet-close").addEventListener("click", closeList);
  $("sheet").addEventListener("click", function (event) { if (event.target === $("sheet")) closeList(); });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") closeList(); });

  function mediaNode(item) {
    if (!item.mediaSrc || !isWebUrl(item.mediaSrc)) return null;
    if (item.kind === "sticker") {
      var sticker = el("img", "media sticker");
      sticker.src = item.mediaSrc;
      sticker.alt = "Sticker";
      return sticker;
    }
    if (item.kind === "audio") {
      var audio = el("audio");
      audio.src = item.mediaSrc;
      audio.controls = true;
      return audio;
    }
    if (item.kind === "image") {
      var img = el("img", "media");
      img.src = item.mediaSrc;
      img.alt = item.from === "bot" ? "Image from the bot" : "Your photo";
      img.loading = "lazy";
      img.addEventListener("load", keepAtBottom);
      return img;
    }
    if (item.kind === "video") {
      var video = el("video", "media");
      video.src = item.mediaSrc;
      video.controls = true;
      return video;
    }
    var doc = el("a", "document");
    doc.href = item.mediaSrc;
    doc.target = "_blank";
    doc.rel = "noopener noreferrer";
    doc.appendChild(el("span", "", "📄"));
    doc.appendChild(el("span", "", item.filename || "Document"));
    return doc;
  }

  function messageNode(item) {
    var node = el("div", "msg " + item.from);
    node.dataset.id = item.id;
    node.dataset.from = item.from;
    node.dataset.kind = item.kind;
    var bubble = el("div", "bubble");
    bubble.dir = "auto";
    if (item.header) bubble.appendChild(el("div", "header", item.header));
    var media = mediaNode(item);
    if (media) bubble.appendChild(media);
    if (item.kind === "template") bubble.appendChild(el("div", "text", "Template: " + item.text));
    else if (item.kind === "location") bubble.appendChild(el("div", "text", "📍 " + item.text));
    else if (item.kind === "contact") bubble.appendChild(el("div", "text", "👤 " + item.text));
    else if (item.text) bubble.appendChild(formatted(item.text));
    if (item.deleted) node.dataset.deleted = "true";
    if (item.footer) bubble.appendChild(el("div", "footer", item.footer));
    var meta = el("span", "meta", clock(item.at));
    if (item.edited) {
      node.dataset.edited = "true";
      meta.insertBefore(el("span", "edited", "edited"), meta.firstChild);
    }
    if (item.from === "person") {
      var ticks = el("span", item.read ? "ticks read" : "ticks", "✓✓");
      ticks.setAttribute("aria-label", item.read ? "read" : "delivered");
      meta.appendChild(ticks);
      node.dataset.read = item.read ? "true" : "false";
    }
    bubble.appendChild(meta);
    if (item.reactions.length > 0) {
      node.classList.add("has-reaction");
      var reaction = el("span", "reaction", item.reactions.join(""));
      reaction.dataset.reaction = item.reactions.join("");
      bubble.appendChild(reaction);
    }
    node.appendChild(bubble);

    var actions = el("div", "actions");
    item.buttons.forEach(function (choice) {
      var button = el("button", "action", choice.title);
      button.type = "button";
      button.dataset.choice = choice.id;
      button.addEventListener("click", function () { reply(item.id, choice.id); });
      actions.appendChild(button);
    });
    if (item.kind === "list") {
      var open = el("button", "action", "☰ " + (item.actionLabel || "Choose"));
      open.type = "button";
      open.dataset.list = "open";
      open.addEventListener("click", function () { openList(item); });
      actions.appendChild(open);
    }
    if (item.kind === "link" && item.url && isWebUrl(item.url)) {
      var link = el("a", "action", "↗ " + (item.actionLabel || "Open"));
      link.href = item.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      actions.appendChild(link);
    }
    if (actions.childElementCount > 0) node.appendChild(actions);
    if (!item.deleted) node.appendChild(toolsOf(item));
    return node;
  }

  // What a person can do to a message: react to any, edit their own text, delete their own.
  function tool(label, name, handler) {
    var button = el("button", "", label);
    button.type = "button";
    button.dataset.tool = name;
    button.addEventListener("click", handler);
    return button;
  }
  function toolsOf(item) {
    var tools = el("div", "tools");
    tools.appendChild(tool("React", "react", function () {
      var emoji = prompt("React with an emoji (leave empty to remove your reaction)", "👍");
      if (emoji === null) return;
      act(api("POST", "/simulator/api/reaction", { phone: state.phone, messageId: item.id, emoji: emoji.trim() }));
    }));
    if (item.from === "person" && item.kind === "text") {
      tools.appendChild(tool("Edit", "edit", function () {
        var text = prompt("Edit your message", item.text);
        if (text === null || !text.trim()) return;
        act(api("POST", "/simulator/api/edit", { phone: state.phone, messageId: item.id, text: text.trim() }));
      }));
    }
    if (item.from === "person") {
      tools.appendChild(tool("Delete", "delete", function () {
        act(api("POST", "/simulator/api/delete", { phone: state.phone, messageId: item.id }));
      }));
    }
    return tools;
  }

  function nearBottom() {
    var box = $("messages");
    return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  }
  function keepAtBottom() {
    if (state.stick) $("messages").scrollTop = $("messages").scrollHeight;
  }

  function render(view) {
    var box = $("messages");
    state.stick = nearBottom();
    var added = false;
    var seen = new Set();
    if (view.items.length > 0 && box.querySelector(".empty")) box.replaceChildren();
    view.items.forEach(function (item, index) {
      var signature = JSON.stringify(item);
      var known = state.nodes.get(item.id);
      var node = known && known.signature === signature ? known.node : messageNode(item);
      if (known && known.node !== node) known.node.replaceWith(node);
      if (!known) added = true;
      state.nodes.set(item.id, { node: node, signature: signature });
      seen.add(item.id);
      if (box.children[index] !== node) box.insertBefore(node, box.children[index] || null);
    });
    state.nodes.forEach(function (entry, id) {
      if (!seen.has(id)) { entry.node.remove(); state.nodes.delete(id); }
    });
    var status = $("chat-status");
    status.textContent = view.typing ? "typing…" : "online · chatting as " + view.person.name + " (+" + view.person.phone + ")";
    status.classList.toggle("typing", view.typing);
    if (added && state.stick) box.scrollTop = box.scrollHeight;
  }

  function poll() {
    if (!state.phone) return Promise.resolve();
    var phone = state.phone;
    return api("GET", "/simulator/api/chat?phone=" + encodeURIComponent(phone))
      .then(function (view) {
        if (phone !== state.phone) return;
        var text = JSON.stringify(view);
        if (text !== state.lastView) {
          state.lastView = text;
          render(view);
        }
      })
      .catch(function (error) { $("chat-status").textContent = "offline: " + error.message; });
  }

  function schedule() {
    state.timer = setTimeout(function () { poll().then(schedule); }, pollMs);
  }

  // --- composer -------------------------------------------------------------------------------

  $("composer").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = $("text-input");
    var text = input.value.trim();
    if (!state.phone || !text) return;
    input.value = "";
    act(api("POST", "/simulator/api/text", { phone: state.phone, text: text }));
  });

  // Browsers leave the type empty for some files (HEIC on most systems): the extension tells it.
  var byExtension = {
    heic: "image/heic", heif: "image/heif", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", webp: "image/webp",
    ogg: "audio/ogg", opus: "audio/ogg", mp3: "audio/mpeg", m4a: "audio/mp4", aac: "audio/aac", amr: "audio/amr",
    mp4: "video/mp4", "3gp": "video/3gpp", pdf: "application/pdf", txt: "text/plain"
  };
  function fileType(file) {
    if (file.type) return file.type;
    var extension = (file.name.split(".").pop() || "").toLowerCase();
    return byExtension[extension] || "application/octet-stream";
  }

  function sendFiles(input, query) {
    var files = Array.prototype.slice.call(input.files || []);
    input.value = "";
    if (!state.phone) return setError("send-error", "Choose a person first.");
    // One after another, as a person sends them; the server says why a file cannot go.
    files.reduce(function (previous, file) {
      return previous.then(function () {
        var path = "/simulator/api/file?phone=" + encodeURIComponent(state.phone) + "&filename=" + encodeURIComponent(file.name) + query;
        return act(api("POST", path, file, fileType(file)));
      });
    }, Promise.resolve());
  }
  $("photo-input").addEventListener("change", function (event) { sendFiles(event.target, ""); });
  $("sticker-input").addEventListener("change", function (event) { sendFiles(event.target, "&as=sticker"); });

  $("contact-button").addEventListener("click", function () {
    if (!state.phone) return setError("send-error", "Choose a person first.");
    var answer = prompt("Contact's name, phone", "Noa, 972501234567");
    if (answer === null) return;
    var comma = answer.lastIndexOf(",");
    var name = answer.slice(0, comma).trim();
    var phone = answer.slice(comma + 1).replace(/[\s+()-]/g, "");
    if (comma < 0 || !name || !/^[1-9][0-9]{7,14}$/.test(phone)) return setError("send-error", "A contact is a name and a phone number with its country code, e.g. Noa, 972501234567.");
    act(api("POST", "/simulator/api/contact", { phone: state.phone, name: name, contactPhone: phone }));
  });

  $("location-button").addEventListener("click", function () {
    if (!state.phone) return setError("send-error", "Choose a person first.");
    var answer = prompt("Latitude, longitude (and a name, if you like)", "32.0853, 34.7818, Tel Aviv");
    if (answer === null) return;
    var parts = answer.split(",").map(function (part) { return part.trim(); });
    var latitude = Number(parts[0]);
    var longitude = Number(parts[1]);
    if (!parts[0] || !parts[1] || !isFinite(latitude) || !isFinite(longitude)) return setError("send-error", "A location is a latitude and a longitude, e.g. 32.0853, 34.7818.");
    var place = { phone: state.phone, latitude: latitude, longitude: longitude };
    var name = parts.slice(2).join(", ");
    if (name) place.name = name;
    act(api("POST", "/simulator/api/location", place));
  });

  loadPeople().then(function (people) {
    var wanted = location.hash.slice(1);
    if (people.some(function (person) { return person.phone === wanted; })) choose(wanted);
  });
  schedule();
})();
`
