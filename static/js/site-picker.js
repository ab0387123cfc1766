// An output's site, placed on the server-drawn outline of its kelurahan: click to place, or
// the arrow keys (about 10 m a step; Shift: 100 m), or type the coordinates. Without script
// the coordinates are typed; the server checks that the point lies in the kelurahan.
(function () {
  "use strict";

  var panel = document.getElementById("site-picker");
  if (!panel) { return; }
  var canvas = panel.querySelector("[data-picker-canvas]");
  var status = panel.querySelector("[data-picker-status]");
  var current = null; // {latitude, longitude, svg, marker, projection}

  function fieldOf(row, name) {
    return row.querySelector("input[name$='-" + name + "'], select[name$='-" + name + "']");
  }

  function projectionOf(svg) {
    var data = svg.dataset;
    return {
      west: parseFloat(data.west),
      north: parseFloat(data.north),
      xScale: parseFloat(data.xScale),
      scale: parseFloat(data.scale)
    };
  }

  function toPoint(p, lng, lat) {
    return { x: (lng - p.west) * p.xScale * p.scale, y: (p.north - lat) * p.scale };
  }

  function toLngLat(p, x, y) {
    return { lng: p.west + x / (p.xScale * p.scale), lat: p.north - y / p.scale };
  }

  function place(lng, lat) {
    if (!current) { return; }
    current.latitude.value = lat.toFixed(5);
    current.longitude.value = lng.toFixed(5);
    var point = toPoint(current.projection, lng, lat);
    current.marker.setAttribute("cx", point.x.toFixed(1));
    current.marker.setAttribute("cy", point.y.toFixed(1));
    current.marker.setAttribute("visibility", "visible");
    status.textContent = panel.dataset.placed
      .replace("{latitude}", current.latitude.value)
      .replace("{longitude}", current.longitude.value);
  }

  function showMarkerFromFields() {
    var lat = parseFloat(current.latitude.value);
    var lng = parseFloat(current.longitude.value);
    if (!isNaN(lat) && !isNaN(lng)) {
      var point = toPoint(current.projection, lng, lat);
      current.marker.setAttribute("cx", point.x.toFixed(1));
      current.marker.setAttribute("cy", point.y.toFixed(1));
      current.marker.setAttribute("visibility", "visible");
    }
  }

  function open(row, button) {
    var village = fieldOf(row, "village");
    if (!village || !village.value) {
      status.textContent = panel.dataset.noVillage;
      panel.hidden = false;
      canvas.replaceChildren();
      village && village.focus();
      return;
    }
    var url = panel.dataset.outlineUrl.replace(/\/0\/$/, "/" + village.value + "/");
    fetch(url, { headers: { "HX-Request": "true" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        canvas.innerHTML = html;
        var svg = canvas.querySelector("svg");
        if (!svg) {
          status.textContent = panel.dataset.noOutline;
          panel.hidden = false;
          return;
        }
        current = {
          latitude: fieldOf(row, "latitude"),
          longitude: fieldOf(row, "longitude"),
          svg: svg,
          marker: svg.querySelector("[data-picker-marker]"),
          projection: projectionOf(svg),
          button: button
        };
        showMarkerFromFields();
        svg.addEventListener("click", function (event) {
          var matrix = svg.getScreenCTM().inverse();
          var at = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix);
          var found = toLngLat(current.projection, at.x, at.y);
          place(found.lng, found.lat);
        });
        svg.addEventListener("keydown", function (event) {
          var steps = { ArrowUp: [0, 1], ArrowDown: [0, -1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
          var step = steps[event.key];
          if (!step) { return; }
          event.preventDefault();
          var degrees = event.shiftKey ? 0.001 : 0.0001;
          var lat = parseFloat(current.latitude.value);
          var lng = parseFloat(current.longitude.value);
          if (isNaN(lat) || isNaN(lng)) {
            lat = parseFloat(svg.dataset.centreLat);
            lng = parseFloat(svg.dataset.centreLng);
          }
          place(lng + step[0] * degrees, lat + step[1] * degrees);
        });
        panel.hidden = false;
        status.textContent = panel.dataset.ready;
        svg.focus();
      })
      .catch(function () {
        status.textContent = panel.dataset.noOutline;
        panel.hidden = false;
      });
  }

  function addButtons() {
    var rows = document.querySelectorAll("input[name^='outputs-'][name$='-latitude']");
    Array.prototype.forEach.call(rows, function (input) {
      var row = input.closest("tr");
      if (!row || row.querySelector("[data-pick-site]")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-secondary mt-1";
      button.textContent = panel.dataset.pickLabel;
      button.setAttribute("data-pick-site", "");
      button.setAttribute("aria-controls", "site-picker");
      button.addEventListener("click", function () { open(row, button); });
      input.parentNode.appendChild(button);
    });
  }

  panel.querySelector("[data-picker-close]").addEventListener("click", function () {
    panel.hidden = true;
    if (current && current.button) { current.button.focus(); }
    current = null;
  });
  document.querySelectorAll("input[name^='outputs-'][name$='itude']").forEach(function (input) {
    input.addEventListener("input", function () {
      if (current && (input === current.latitude || input === current.longitude)) {
        showMarkerFromFields();
      }
    });
  });
  addButtons();
})();
