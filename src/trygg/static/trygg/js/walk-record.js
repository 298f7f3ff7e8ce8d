// Records a safety walk's findings on a phone with a poor connection.
// Each entry gets its key when it is made and is kept in IndexedDB, photos included, until the
// server confirms it; a queue sends the entries in order, again on `online` and every 15 s.
// The server stores an entry once per key, so sending one twice is harmless. Without
// IndexedDB, or without JavaScript, the form is posted as it stands.
(function () {
  "use strict";

  var form = document.querySelector("[data-walk-record]");
  var list = document.querySelector("[data-entries]");
  if (!form || !list) {
    return;
  }
  var lon = form.elements.lon;
  var lat = form.elements.lat;
  var stop = form.elements.stop;

  // Position: from the stop list or the phone ----------------------------------------------

  stop.addEventListener("change", function () {
    var option = stop.options[stop.selectedIndex];
    lon.value = option.dataset.lon || "";
    lat.value = option.dataset.lat || "";
  });

  var locate = form.querySelector("[data-locate]");
  var locateStatus = form.querySelector("[data-locate-status]");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      locateStatus.textContent = locate.dataset.waiting;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          lon.value = position.coords.longitude.toFixed(6);
          lat.value = position.coords.latitude.toFixed(6);
          locateStatus.textContent = locate.dataset.done;
        },
        function () {
          locateStatus.textContent = locate.dataset.failed;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 10000 }
      );
    });
  }

  if (!window.indexedDB || !window.fetch || !window.FormData || !window.Promise) {
    return;
  }

  // Storage --------------------------------------------------------------------------------

  var STORE = "entries";
  var url = form.action;
  var token = form.elements.csrfmiddlewaretoken.value;
  var words = list.dataset;
  var formError = form.querySelector("[data-form-error]");
  var db = null;

  function openDatabase() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("trygg-walk-record", 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" }).createIndex("url", "url");
      };
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  function transact(mode, work) {
    return new Promise(function (resolve, reject) {
      var transaction = db.transaction(STORE, mode);
      var request = work(transaction.objectStore(STORE));
      transaction.oncomplete = function () {
        resolve(request.result);
      };
      transaction.onerror = transaction.onabort = function () {
        reject(transaction.error);
      };
    });
  }

  function stored() {
    return transact("readonly", function (store) {
      return store.index("url").getAll(url);
    }).then(function (entries) {
      return entries.sort(function (a, b) {
        return a.created < b.created ? -1 : a.created > b.created ? 1 : 0;
      });
    });
  }

  function keep(entry) {
    return transact("readwrite", function (store) {
      return store.put(entry);
    });
  }

  function forget(key) {
    return transact("readwrite", function (store) {
      return store.delete(key);
    });
  }

  // The status list ------------------------------------------------------------------------

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function row(entry) {
    var item = list.querySelector('[data-key="' + entry.key + '"]');
    if (item) {
      return item;
    }
    item = document.createElement("li");
    item.setAttribute("data-entry", "");
    item.setAttribute("data-key", entry.key);
    var when = new Date(entry.created);
    var what = document.createElement("span");
    var summary = [pad(when.getHours()) + ":" + pad(when.getMinutes()), entry.where];
    if (entry.text) {
      summary.push(entry.text.length > 40 ? entry.text.slice(0, 40) + "…" : entry.text);
    }
    what.textContent = summary.join(" · ") + ": ";
    var state = document.createElement("strong");
    state.setAttribute("data-state-text", "");
    var note = document.createElement("div");
    note.setAttribute("data-note", "");
    item.appendChild(what);
    item.appendChild(state);
    item.appendChild(note);
    list.appendChild(item);
    return item;
  }

  function show(entry, state, note) {
    var item = row(entry);
    item.setAttribute("data-state", state);
    item.querySelector("[data-state-text]").textContent = words[state];
    var box = item.querySelector("[data-note]");
    box.textContent = "";
    box.className = state === "saved" && !note ? "" : state === "rejected" ? "error" : "flag";
    if (state === "rejected") {
      var problems = document.createElement("ul");
      (entry.errors || []).forEach(function (problem) {
        var line = document.createElement("li");
        line.textContent = problem;
        problems.appendChild(line);
      });
      box.appendChild(problems);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary";
      remove.textContent = words.remove;
      remove.addEventListener("click", function () {
        forget(entry.key).then(function () {
          item.remove();
        });
      });
      box.appendChild(remove);
    } else if (note) {
      box.textContent = note;
    }
  }

  // Sending --------------------------------------------------------------------------------

  var sending = false;
  var again = false;

  function body(entry) {
    var data = new FormData();
    data.append("key", entry.key);
    data.append("stop", entry.stop);
    data.append("lon", entry.lon);
    data.append("lat", entry.lat);
    data.append("score", entry.score);
    entry.factors.forEach(function (value) {
      data.append("factors", value);
    });
    entry.felt_by.forEach(function (value) {
      data.append("felt_by", value);
    });
    data.append("text", entry.text);
    data.append("recorded_at", entry.created);
    entry.photos.forEach(function (photo) {
      data.append("photos", new Blob([photo.data], { type: photo.type }), photo.name);
    });
    return data;
  }

  function messagesOf(errors) {
    var all = [];
    Object.keys(errors).forEach(function (field) {
      all = all.concat(errors[field]);
    });
    return all;
  }

  // Resolves true when the queue may go on to the next entry, false when it should wait.
  function send(entry) {
    return fetch(url, {
      method: "POST",
      body: body(entry),
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": token, Accept: "application/json" },
    })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        return (json ? response.json() : Promise.resolve(null)).then(function (answer) {
          if ((response.status === 200 || response.status === 201) && answer && answer.stored) {
            return forget(entry.key).then(function () {
              show(entry, "saved", answer.warning);
              return true;
            });
          }
          if (response.status === 400 && answer && answer.errors) {
            entry.state = "rejected";
            entry.errors = messagesOf(answer.errors);
            return keep(entry).then(function () {
              show(entry, "rejected");
              return true;
            });
          }
          // Logged out, refused, a redirect or a server error: kept, and tried again later.
          var refused = response.type === "opaqueredirect" || response.status === 403;
          show(entry, "waiting", refused ? words.refused : "");
          return false;
        });
      })
      .catch(function () {
        show(entry, "waiting");
        return false;
      });
  }

  function flush() {
    if (!db) {
      return;
    }
    if (sending) {
      again = true;
      return;
    }
    sending = true;
    again = false;
    stored()
      .then(function (entries) {
        return entries
          .filter(function (entry) {
            return entry.state !== "rejected";
          })
          .reduce(function (chain, entry) {
            return chain.then(function (goOn) {
              return goOn ? send(entry) : false;
            });
          }, Promise.resolve(true));
      })
      .catch(function () {})
      .then(function () {
        sending = false;
        if (again) {
          flush();
        }
      });
  }

  // Making an entry ------------------------------------------------------------------------

  function uuid() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 15) | 64;
    bytes[8] = (bytes[8] & 63) | 128;
    var hex = Array.prototype.map
      .call(bytes, function (b) {
        return (b + 256).toString(16).slice(1);
      })
      .join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function readPhoto(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        resolve({ name: file.name || "photo", type: file.type, data: reader.result });
      };
      reader.onerror = function () {
        reject(reader.error);
      };
      reader.readAsArrayBuffer(file);
    });
  }

  function refuse(message) {
    formError.textContent = message;
    formError.hidden = false;
  }

  function onSubmit(event) {
    event.preventDefault();
    formError.hidden = true;
    formError.textContent = "";
    var data = new FormData(form);
    var option = stop.options[stop.selectedIndex];
    var position = [String(data.get("lon") || "").trim(), String(data.get("lat") || "").trim()];
    if (!stop.value && !(position[0] && position[1])) {
      refuse(form.dataset.noPosition);
      lon.focus();
      return;
    }
    var files = Array.prototype.slice.call(form.elements.photos.files || []);
    if (files.length > Number(form.dataset.maxPhotos)) {
      refuse(form.dataset.tooMany);
      return;
    }
    if (
      files.some(function (file) {
        return file.size > Number(form.dataset.maxBytes);
      })
    ) {
      refuse(form.dataset.tooLarge);
      return;
    }
    Promise.all(files.map(readPhoto))
      .then(function (photos) {
        var entry = {
          key: uuid(),
          url: url,
          created: new Date().toISOString(),
          where: stop.value ? option.textContent.trim() : words.between,
          stop: stop.value,
          lon: position[0],
          lat: position[1],
          score: String(data.get("score") || ""),
          factors: data.getAll("factors"),
          felt_by: data.getAll("felt_by"),
          text: String(data.get("text") || ""),
          photos: photos,
          state: "waiting",
          errors: null,
        };
        return keep(entry).then(function () {
          return entry;
        });
      })
      .then(
        function (entry) {
          show(entry, "waiting");
          form.reset();
          if (locateStatus) {
            locateStatus.textContent = "";
          }
          flush();
        },
        function () {
          // Not kept on the phone (storage full or refused): the form is posted as it stands.
          refuse(form.dataset.notKept);
          form.removeEventListener("submit", onSubmit);
          form.submit();
        }
      );
  }

  openDatabase()
    .then(function (opened) {
      db = opened;
      document.querySelector("[data-entries-section]").hidden = false;
      form.addEventListener("submit", onSubmit);
      return stored();
    })
    .then(function (entries) {
      entries.forEach(function (entry) {
        show(entry, entry.state === "rejected" ? "rejected" : "waiting");
      });
      flush();
      window.addEventListener("online", flush);
      window.setInterval(flush, 15000);
    })
    .catch(function () {
      // No IndexedDB (a private window on some phones): the form is posted as it stands.
    });
})();
