// The query editor: CodeMirror 6 with the SPARQL grammar of codemirror-lang-sparql, over the
// page's <textarea id="sparql">, which stays the form field (and the editor without scripts).
// Built into static/vendor/codemirror/editor.min.js by webjs/build.sh; see the README.
import { EditorState, Transaction } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { syntaxHighlighting, bracketMatching, indentOnInput } from "@codemirror/language";
import { classHighlighter } from "@lezer/highlight";
import { sparql } from "codemirror-lang-sparql";

function submit(form) {
  if (form.requestSubmit) form.requestSubmit();
  else form.submit();
}

// A no-break space is not white space to a SPARQL parser; Chrome types one for a space next
// to another in an editable element, and text pasted from web pages carries them.
const NBSP = /\u00a0/g;
const plainSpaces = EditorState.transactionFilter.of((tr) => {
  if (!tr.docChanged) return tr;
  let found = false;
  tr.changes.iterChanges((fromA, toA, fromB, toB, inserted) => {
    if (inserted.toString().indexOf("\u00a0") >= 0) found = true;
  });
  if (!found) return tr;
  const changes = [];
  tr.changes.iterChanges((fromA, toA, fromB, toB, inserted) => {
    changes.push({ from: fromA, to: toA, insert: inserted.toString().replace(NBSP, " ") });
  });
  const event = tr.annotation(Transaction.userEvent);
  return {
    changes,
    selection: tr.selection,
    effects: tr.effects,
    scrollIntoView: tr.scrollIntoView,
    annotations: event ? Transaction.userEvent.of(event) : []
  };
});

function start() {
  const area = document.getElementById("sparql");
  const box = document.getElementById("editor");
  if (!area || !box) return;
  // The page's CSP admits style elements with this nonce only: CodeMirror's layout styles.
  const meta = document.querySelector('meta[name="style-nonce"]');
  const run = keymap.of([
    { key: "Mod-Enter", run: () => { submit(area.form); return true; } }
  ]);
  const view = new EditorView({
    parent: box,
    state: EditorState.create({
      doc: area.value,
      extensions: [
        run,
        plainSpaces,
        EditorView.cspNonce.of(meta ? meta.getAttribute("content") : ""),
        lineNumbers(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        indentOnInput(),
        bracketMatching(),
        // Stable class names (tok-keyword, tok-variableName, ...) styled in web.css: the
        // page's CSP allows no inline style, so the theme lives in a file too.
        syntaxHighlighting(classHighlighter),
        sparql(),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.contentAttributes.of({ "aria-label": area.getAttribute("aria-label") || "SPARQL" }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) area.value = update.state.doc.toString();
        })
      ]
    })
  });
  area.hidden = true;
  box.classList.add("codemirror");
  area.form.addEventListener("submit", () => { area.value = view.state.doc.toString(); });
  window.umkmEditor = view;
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
