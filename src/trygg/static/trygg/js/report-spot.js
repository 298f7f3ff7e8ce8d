// Picks a report's spot: a tap on the map, the phone's position, or typed numbers.
// The longitude and latitude fields stay the source of truth, so the form works without a pointer.
(function () {
  "use strict";

  var element = document.querySelector("[data-map]");
  var lon = document.getElementById("id_lon");
  var lat = document.getElementById("id_lat");
  if (!element || !element.trygg || !lon || !lat) {
    return;
  }
  var map = element.trygg.map;
  var marker = null;

  function show(latlng, zoom) {
    if (marker) {
      marker.setLatLng(latlng);
    } else {
      marker = L.circleMarker(latlng, { radius: 9, color: "#b3261e", weight: 3, fillOpacity: 0.6 }).addTo(map);
      marker.getElement().setAttribute("data-spot", "true");
    }
    if (zoom) {
      map.setView(latlng, Math.max(map.getZoom(), 16));
    }
  }

  function write(latlng) {
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    show(latlng, false);
  }

  map.on("click", function (event) {
    write(event.latlng);
  });
  // A place or district with a popup stops the tap before it reaches the map: take it there.
  element.trygg.data.on("click", function (event) {
    write(event.latlng);
  });

  function fromFields() {
    var x = parseFloat(lon.value);
    var y = parseFloat(lat.value);
    if (isFinite(x) && isFinite(y)) {
      show(L.latLng(y, x), false);
    }
  }
  lon.addEventListener("change", fromFields);
  lat.addEventListener("change", fromFields);
  fromFields();

  var locate = document.querySelector("[data-locate]");
  var status = document.querySelector("[data-locate-status]");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      status.textContent = locate.dataset.waiting;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
          write(latlng);
          show(latlng, true);
          status.textContent = locate.dataset.done;
        },
        function () {
          status.textContent = locate.dataset.failed;
        },
        { enableHighAccuracy: true, timeout: 15000 }
      );
    });
  }
})();
