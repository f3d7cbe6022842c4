/*
 * winit-rise-widgets: lets the course's sliders (ipywidgets 8) work on jupyterlab-rise slides.
 *
 * Why it is needed. jupyterlab-rise shows a slideshow in a page of its own, built from a
 * fixed set of JupyterLab packages, and @jupyterlab/console is not one of them. ipywidgets 8's
 * widget manager (@jupyter-widgets/jupyterlab-manager) asks the page for that package, for one
 * thing only: the optional IConsoleTracker token, used to give code consoles widgets too. It
 * is not there, so the widget manager fails to load ("Shared module @jupyterlab/console doesn't
 * exist in shared scope default", jupyterlab-contrib/rise#119) and every widget on a slide
 * falls back to its text, e.g. "LiveView(...)".
 *
 * What it does. JupyterLab pages load every installed lab extension through webpack module
 * federation: each extension's remoteEntry.js registers a container in window._JUPYTERLAB,
 * and the page calls container.init(shareScope) with the registry of shared packages before
 * any extension's code runs. This container exposes no plugin. Its init() acts only on the
 * slideshow page, and does two things there:
 *  1. it adds a minimal @jupyterlab/console to the registry (when the page has none). The
 *     stand-in exports IConsoleTracker, made with the page's own @lumino/coreutils Token.
 *     Nothing provides that token in a slideshow (there are no consoles there), so the widget
 *     manager receives null for it, as JupyterLab intends for an optional token, and loads;
 *  2. it keeps the keys that a focused widget uses (a slider's arrows, Home and End) from also
 *     turning the slide; see keepWidgetKeys below.
 *
 * In JupyterLab itself it does nothing. Plain JavaScript, no build step. tests/browser checks it
 * in Chromium: every notebook as a slideshow, its sliders on a slide moved with the keyboard.
 */
(function () {
  'use strict';

  var NAME = 'winit-rise-widgets';
  var CONSOLE = '@jupyterlab/console';
  var CORE_UTILS = '@lumino/coreutils';

  // true when version string a is newer than b ("4.3.10" > "4.3.9"); enough for x.y.z versions
  function isNewer(a, b) {
    var x = String(a).split(/[.+-]/);
    var y = String(b).split(/[.+-]/);
    for (var i = 0; i < Math.max(x.length, y.length); i++) {
      var p = parseInt(x[i] || '0', 10);
      var q = parseInt(y[i] || '0', 10);
      if (p !== q) return p > q;
    }
    return false;
  }

  // the newest of a list of version strings, or null
  function newest(versions) {
    return versions.reduce(function (best, v) {
      return best === null || isNewer(v, best) ? v : best;
    }, null);
  }

  // the entry webpack itself would hand out for a singleton: the copy already loaded, else the newest
  function singleton(registered) {
    var versions = Object.keys(registered);
    var loaded = versions.filter(function (v) { return registered[v].loaded; });
    return registered[newest(loaded.length ? loaded : versions)];
  }

  // the module factory of the stand-in @jupyterlab/console, built on the page's @lumino/coreutils
  function consoleStandIn(coreUtils) {
    var exports = null;
    return function get() {
      var entry = singleton(coreUtils);
      entry.loaded = 1;
      return Promise.resolve(entry.get()).then(function (factory) {
        if (exports === null) {
          var Token = factory().Token;
          exports = {
            IConsoleTracker: new Token(
              CONSOLE + ':IConsoleTracker',
              'A tracker for code consoles: a stand-in on a slideshow page, which has no consoles (' +
              NAME + ').')
          };
        }
        return function () { return exports; };
      });
    };
  }

  // adds the stand-in to the page's registry of shared packages, unless the page has the real one
  function provideConsole(shareScope) {
    if (shareScope[CONSOLE] || !shareScope[CORE_UTILS]) return;
    // claim the version of the page's own JupyterLab packages, so that version warnings stay as
    // few as for its other packages
    var version = newest(Object.keys(shareScope['@jupyterlab/notebook'] || {})) || '4.0.0';
    shareScope[CONSOLE] = {};
    shareScope[CONSOLE][version] = { from: NAME, eager: false, get: consoleStandIn(shareScope[CORE_UTILS]) };
  }

  // Keys that a focused widget uses: a slider's handle moves with the arrows, Home, End, Page Up and
  // Page Down, and so does a dropdown's choice; a button and a dropdown also take the space bar
  // and Enter; a text field (a slider's editable readout, too) takes every key.
  var MOVE_KEYS = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'];

  function belongsToWidget(event) {
    var target = event.target;
    if (!target || !target.closest || !target.closest('.jupyter-widgets')) return false;
    if (target.isContentEditable || /^(INPUT|TEXTAREA)$/.test(target.tagName)) return true;
    if (MOVE_KEYS.indexOf(event.key) >= 0) return true;
    return (event.key === ' ' || event.key === 'Enter') && /^(BUTTON|SELECT)$/.test(target.tagName);
  }

  // On the slideshow page, two listeners would also act on such a key and turn the slide: the
  // page's keyboard shortcuts (the arrows move the notebook's selection, which the deck follows;
  // Home and End jump to the first and last slide), which listen on the document before the key
  // reaches its target, and reveal.js, which listens on the document after. Shortcuts skip an
  // element marked data-lm-suppress-shortcuts, so a listener on the window, which hears every key
  // first, marks the target for the time of that one key. reveal.js is kept out by a listener on
  // <html>, which hears the key after the widget did and before the document does. Every other
  // key (the space bar on a slider, say) still reaches the deck, so the lecturer can move on.
  function keepWidgetKeys() {
    var SUPPRESS = 'data-lm-suppress-shortcuts';
    window.addEventListener('keydown', function (event) {
      var target = event.target;
      if (!belongsToWidget(event) || target.hasAttribute(SUPPRESS)) return;
      target.setAttribute(SUPPRESS, 'true');
      setTimeout(function () { target.removeAttribute(SUPPRESS); }, 0);   // after this key's dispatch
    }, true);
    document.documentElement.addEventListener('keydown', function (event) {
      if (belongsToWidget(event)) event.stopPropagation();
    });
  }

  // true on jupyterlab-rise's slideshow page (its page config names the app "Rise")
  function onSlideshowPage() {
    var node = document.getElementById('jupyter-config-data');
    try {
      return !!node && JSON.parse(node.textContent).appName === 'Rise';
    } catch (e) {
      return false;
    }
  }

  var initialised = false;
  var container = {
    init: function (shareScope) {
      if (initialised || !shareScope || !onSlideshowPage()) return;   // JupyterLab itself: nothing to do
      initialised = true;
      provideConsole(shareScope);
      keepWidgetKeys();
    },
    get: function (module) {
      return Promise.reject(new Error(NAME + ' exposes no module (asked for ' + module + ')'));
    }
  };

  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB[NAME] = container;
})();
