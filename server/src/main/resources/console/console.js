// Tollgate console: the little script the pages need. Loaded from 'self' only (the CSP allows no
// inline script), and the pages work without it except for the copy buttons and the narrow
// screen's Menu button (without the script the menu is simply always open).
(function () {
  'use strict';

  // On narrow screens the navigation folds behind a Menu button, which needs this script: the
  // stylesheet folds it only on pages this class marks as scripted. Without it the menu stays open.
  document.documentElement.classList.add('js');

  function showState(button, text, className) {
    var label = button.getAttribute('data-label') || button.textContent;
    button.setAttribute('data-label', label);
    button.textContent = text;
    button.classList.add(className);
    window.setTimeout(function () {
      button.textContent = label;
      button.classList.remove(className);
    }, 2500);
  }

  // Fallback for browsers without the async clipboard API (or a page not in a secure context).
  function copyBySelection(element) {
    var selection = window.getSelection();
    var range = document.createRange();
    range.selectNodeContents(element);
    selection.removeAllRanges();
    selection.addRange(range);
    var done = false;
    try {
      done = document.execCommand('copy');
    } catch (e) {
      done = false;
    }
    return done;
  }

  function copy(button) {
    var target = document.getElementById(button.getAttribute('data-copy'));
    if (!target) {
      return;
    }
    var text = target.textContent.trim();
    var copied = function () { showState(button, 'Copied', 'copied'); };
    var failed = function () {
      if (copyBySelection(target)) {
        copied();
      } else {
        showState(button, 'Select and copy', 'copy-failed');
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(copied, failed);
    } else {
      failed();
    }
  }

  function toggleNavigation(button) {
    var nav = document.getElementById(button.getAttribute('aria-controls'));
    if (!nav) {
      return;
    }
    var open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
    nav.classList.toggle('open', open);
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest('button[data-copy]');
    if (button) {
      event.preventDefault();
      copy(button);
      return;
    }
    var toggle = event.target.closest('button.nav-toggle');
    if (toggle) {
      toggleNavigation(toggle);
    }
  });

  // Forms that delete something ask first.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
