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
 * any extension's code runs. This container exposes no plugin. Its init() does three things on
 * the slideshow page:
 *  1. it adds a minimal @jupyterlab/console to the registry (when the page has none). The
 *     stand-in exports IConsoleTracker, made with the page's own @lumino/coreutils Token.
 *     Nothing provides that token in a slideshow (there are no consoles there), so the widget
 *     manager receives null for it, as JupyterLab intends for an optional token, and loads;
 *  2. it keeps the keys that a focused widget uses (a slider's arrows, Home and End) from also
 *     turning the slide; see keepWidgetKeys below;
 *  3. it links jupyterlab-rise's two optional style sheets (rise.css and <notebook>.css, from the
 *     notebook's folder) only when the file exists, so that a missing one is not a failed request
 *     and a console error; see optionalStyles below.
 *
 * On every page, JupyterLab's and the slideshow's, it also tells each live figure's kernel how wide
 * the page shows the figure, in screen pixels, so that the kernel draws it that wide; see
 * reportShownWidths below.
 *
 * Plain JavaScript, no build step. tests/browser checks it in Chromium: every notebook as a
 * slideshow, its sliders on a slide moved with the keyboard, and each live figure drawn as wide
 * as it is shown.
 */
(function () {
  'use strict';

  var NAME = 'winit-rise-widgets';
  var CONSOLE = '@jupyterlab/console';
  var CORE_UTILS = '@lumino/coreutils';
  var STAND_IN_VERSION = '4.999.0';

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
    // The stand-in has no version of its own; it claims one that every JupyterLab 4 extension's
    // range (^4.x.y, where x.y is the JupyterLab it was built with) accepts, so that webpack does not
    // warn "Unsatisfied version". (The page's own packages, e.g. @jupyterlab/notebook 4.3.4, are
    // older than the 4.6 the widget manager is built against.)
    var version = STAND_IN_VERSION;
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

  // the page's configuration (JupyterLab and jupyterlab-rise write it into the page), or {}
  function pageConfig() {
    var node = document.getElementById('jupyter-config-data');
    try {
      return node ? JSON.parse(node.textContent) : {};
    } catch (e) {
      return {};
    }
  }

  // true on jupyterlab-rise's slideshow page (its page config names the app "Rise")
  function onSlideshowPage() {
    return pageConfig().appName === 'Rise';
  }

  // jupyterlab-rise adds <link rel="stylesheet" href=".../files/<folder>/rise.css" id="rise-custom-css">
  // and the same for <notebook>.css (id "rise-notebook-css") with document.head.insertAdjacentHTML,
  // whether or not the files exist. A missing one answers 404 and logs an error. Here those two links
  // are added only once the folder's listing (the server's contents API, always there) shows the file.
  var OPTIONAL_STYLE = /<link rel="stylesheet" href="([^"]+)" id="rise-(custom|notebook)-css"/;

  function optionalStyles() {
    var head = document.head;
    var insert = head.insertAdjacentHTML;
    head.insertAdjacentHTML = function (position, html) {
      var match = OPTIONAL_STYLE.exec(html);
      if (!match) return insert.call(head, position, html);
      var url = new URL(match[1], window.location.href);
      var marker = '/files/';
      var at = url.pathname.indexOf(marker);
      if (at < 0) return insert.call(head, position, html);
      var path = decodeURIComponent(url.pathname.slice(at + marker.length));
      var slash = path.lastIndexOf('/');
      var folder = slash < 0 ? '' : path.slice(0, slash);
      var name = path.slice(slash + 1);
      var config = pageConfig();
      var listing = url.pathname.slice(0, at) + '/api/contents/' +
        folder.split('/').map(encodeURIComponent).join('/') + '?content=1&type=directory';
      var headers = config.token ? { Authorization: 'token ' + config.token } : {};
      fetch(listing, { headers: headers, credentials: 'same-origin' })
        .then(function (response) { return response.ok ? response.json() : { content: [] }; })
        .then(function (model) {
          var found = (model.content || []).some(function (item) { return item.name === name; });
          if (found) insert.call(head, position, html);
        })
        .catch(function () { /* no listing: leave the optional style out, as a missing file */ });
    };
  }

  // On every page (JupyterLab and the slideshow): tell each live figure's kernel how wide the page shows its
  // figure, in the screen's pixels (CSS pixels times devicePixelRatio, and times the slideshow's scale, which
  // getBoundingClientRect includes), so that the kernel draws it that wide: a figure drawn wider costs more to
  // draw, send and decode and is shrunk by the browser; one drawn narrower is stretched, and soft. The width goes
  // into the live view's hidden text field (.winit-shown-px, an ipywidgets Text), as if typed: its own view sends
  // it to the kernel (winit_helpers.live.core.LiveView.shown_px), which keeps the figure as it is while the width
  // changes a little (Panel.show_at). In JupyterLab the image's width on the page does not depend on its pixels
  // (width 100%, at most its first frame's width); on a slide the figure is fitted inside the image's box
  // (object-fit: contain), and its shape (height over width) is that of the figure, at any resolution.
  var SHOWN = '.winit-shown-px input';
  var FIGURE = 'img.winit-live-figure';
  var QUIET_MS = 150;                           // a width is sent once it has not changed for this long

  function reportShownWidths(slideshow) {
    var watched = [];
    var timers = new WeakMap();

    function report(view) {
      var img = view.querySelector(FIGURE);
      var input = view.querySelector(SHOWN);
      if (!img || !input) return;
      var box = img.getBoundingClientRect();
      var width = box.width;
      if (img.naturalWidth && img.naturalHeight && getComputedStyle(img).objectFit === 'contain') {
        width = Math.min(width, box.height * img.naturalWidth / img.naturalHeight);
      }
      if (!(width > 0)) return;                 // not shown now (another slide, a collapsed output)
      var pixels = String(Math.ceil(width * (window.devicePixelRatio || 1) - 0.01));
      if (input.value === pixels) return;
      input.value = pixels;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }

    // once the width has settled (a window resized by dragging its edge sends one width, not one per pixel)
    function later(view) {
      clearTimeout(timers.get(view));
      timers.set(view, setTimeout(function () { report(view); }, QUIET_MS));
    }

    function reportAll() {
      document.querySelectorAll('.winit-live-view').forEach(later);
    }

    // a size change of the image (the window, the notebook's width, a slide coming into view)
    var resized = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) {
        var view = entry.target.closest('.winit-live-view');
        if (view) later(view);
      });
    });
    // new live views, looked for twice a second (a fraction of a millisecond; watching every change of the page
    // instead would add work to every key press, which changes the page); images gone (a cell run again) are let go
    function lookForViews() {
      watched = watched.filter(function (img) {
        if (img.isConnected) return true;
        resized.unobserve(img);
        return false;
      });
      document.querySelectorAll('.winit-live-view ' + FIGURE).forEach(function (img) {
        if (watched.indexOf(img) >= 0) return;
        watched.push(img);
        resized.observe(img);
      });
    }
    setInterval(lookForViews, 500);
    lookForViews();
    // a scale change moves no box's CSS size: the slideshow's scale follows the window
    window.addEventListener('resize', reportAll);
    // a new device pixel ratio (a browser zoom, a window moved to a screen with another ratio) need not resize
    // anything in CSS pixels: a media query on the ratio tells
    (function watchRatio() {
      if (!window.matchMedia) return;
      var query = window.matchMedia('(resolution: ' + (window.devicePixelRatio || 1) + 'dppx)');
      var changed = function () {
        query.removeEventListener('change', changed);
        reportAll();
        watchRatio();
      };
      query.addEventListener('change', changed);
    })();
    // the slideshow shows one slide at a time: a slide shown again has its size back (ResizeObserver), and the
    // deck's scale may have changed meanwhile (a key turns the slide; the transition takes a moment)
    if (slideshow) document.addEventListener('keyup', function () { setTimeout(reportAll, 250); });
  }

  var initialised = false;
  var container = {
    init: function (shareScope) {
      if (initialised || !shareScope) return;
      initialised = true;
      var slideshow = onSlideshowPage();
      reportShownWidths(slideshow);
      if (!slideshow) return;                    // the rest is for the slideshow page only
      provideConsole(shareScope);
      keepWidgetKeys();
      optionalStyles();
    },
    get: function (module) {
      return Promise.reject(new Error(NAME + ' exposes no module (asked for ' + module + ')'));
    }
  };

  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB[NAME] = container;
})();
