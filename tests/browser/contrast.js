/* Contrast of every rendered SVG text on a page (charts and the pathway map), as the reader sees it.
 *
 * Evaluated in the page by tests/browser/test_screens.py. For each text or tspan with its own
 * characters, visible on screen: its fill (with fill-opacity and opacity) against the effective
 * background at the centre of its box: the page's CSS backgrounds, then every SVG shape painted
 * under that point (document.elementsFromPoint, composited bottom to top), or the text's own halo
 * when it is drawn stroke-first (paint-order: stroke) at least 2 units wide. WCAG 2.2 relative
 * luminance and contrast ratio; large text is 24 px, or 18.66 px bold.
 */
(rootSelector) => {
  function parse(colour) {
    if (!colour || colour === 'none' || colour === 'transparent') { return null; }
    var m = colour.match(/rgba?\(([^)]+)\)/);
    if (!m) { return null; }
    var p = m[1].split(/[\s,\/]+/).filter(Boolean).map(parseFloat);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }
  function over(top, alpha, bottom) {
    return [0, 1, 2].map(function (i) { return top[i] * alpha + bottom[i] * (1 - alpha); });
  }
  function luminance(rgb) {
    var c = rgb.map(function (v) { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  function ratio(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function opacityOf(el) {  // the element's and its SVG ancestors' opacity
    var o = 1;
    for (var n = el; n && n instanceof SVGElement; n = n.parentNode) { o *= parseFloat(getComputedStyle(n).opacity); }
    return o;
  }
  function cssBackground(el) {
    var layers = [];
    for (var n = el; n && n.nodeType === 1; n = n.parentElement) {
      if (n instanceof SVGElement) { continue; }
      var c = parse(getComputedStyle(n).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) { break; } }
    }
    var bg = [255, 255, 255];
    for (var i = layers.length - 1; i >= 0; i--) { bg = over(layers[i], layers[i][3], bg); }
    return bg;
  }
  var SHAPES = { rect: 1, path: 1, circle: 1, ellipse: 1, polygon: 1 };
  function backgroundAt(text, x, y) {
    var stack = document.elementsFromPoint(x, y);
    var below = stack.slice(stack.indexOf(text) + 1);
    var bg = cssBackground(text.closest('svg').parentElement);
    var shapes = [];
    for (var i = 0; i < below.length; i++) {
      var el = below[i];
      if (!(el instanceof SVGElement) || !SHAPES[el.tagName.toLowerCase()]) { continue; }
      var style = getComputedStyle(el);
      var fill = parse(style.fill);
      if (!fill || style.visibility === 'hidden') { continue; }
      var alpha = fill[3] * parseFloat(style.fillOpacity) * opacityOf(el);
      if (alpha <= 0.02) { continue; }
      shapes.push([fill, alpha]);
      if (alpha >= 0.999) { break; }
    }
    for (var k = shapes.length - 1; k >= 0; k--) { bg = over(shapes[k][0], shapes[k][1], bg); }
    return bg;
  }
  function ownText(el) {
    var s = '';
    el.childNodes.forEach(function (n) { if (n.nodeType === 3) { s += n.textContent; } });
    return s.trim();
  }
  var results = [];
  var roots = document.querySelectorAll(rootSelector);
  roots.forEach(function (root) {
    root.querySelectorAll('svg text, svg tspan').forEach(function (el) {
      var words = ownText(el);
      if (!words) { return; }
      var box = el.getBoundingClientRect();
      if (box.width < 1 || box.height < 1) { return; }
      if (box.top < 0 || box.bottom > window.innerHeight || box.left < 0 || box.right > window.innerWidth) {
        el.scrollIntoView({ block: 'center', inline: 'center' });
        box = el.getBoundingClientRect();
      }
      var style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') { return; }
      // An axis label Vega thinned out (labelOverlap) is drawn at opacity 0: nobody reads it.
      if (opacityOf(el) === 0) { return; }
      var fill = parse(style.fill);
      if (!fill) { return; }
      var x = box.left + box.width / 2, y = box.top + box.height / 2;
      var owner = el.closest('text');
      var bg = backgroundAt(owner, x, y);
      var ownerStyle = getComputedStyle(owner);
      var halo = parse(ownerStyle.stroke);
      var scale = owner.getScreenCTM() ? Math.abs(owner.getScreenCTM().a) : 1;
      if (halo && /^stroke/.test(ownerStyle.paintOrder) && parseFloat(ownerStyle.strokeWidth) * scale >= 2) {
        bg = over(halo, halo[3] * parseFloat(ownerStyle.strokeOpacity), bg);
      }
      var ink = over(fill, fill[3] * parseFloat(style.fillOpacity) * opacityOf(el), bg);
      var px = parseFloat(style.fontSize) * scale;
      var bold = parseInt(style.fontWeight, 10) >= 700;
      var large = px >= 24 || (bold && px >= 18.66);
      results.push({
        text: words.slice(0, 40), ratio: Math.round(ratio(ink, bg) * 100) / 100, need: large ? 3 : 4.5,
        px: Math.round(px * 10) / 10, fill: style.fill, background: 'rgb(' + bg.map(Math.round).join(', ') + ')',
        where: (root.id || root.className.baseVal || root.className || '').toString()
      });
    });
  });
  return results;
}
