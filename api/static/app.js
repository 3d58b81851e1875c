// The chat page. Everything from the corpus or the user goes in as text (textContent), never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const conversation = $("conversation");
const form = $("ask-form");
const input = $("question");
const send = $("send");
const working = $("working");

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function addMessage(kind, text) {
  const item = el("li", `msg ${kind}`, text);
  conversation.appendChild(item);
  item.scrollIntoView({ block: "end" });
  return item;
}

function setBusy(busy) {
  input.disabled = busy;
  send.disabled = busy;
  working.hidden = !busy;
}

// Answer text with [n] markers turned into buttons that open the cited article.
function renderAnswerText(container, text, citations) {
  container.replaceChildren();
  for (const part of text.split(/(\[\d+\])/)) {
    const match = part.match(/^\[(\d+)\]$/);
    const citation = match && citations.find((c) => c.ref === Number(match[1]));
    if (citation) {
      const button = el("button", "marker", part);
      button.type = "button";
      button.setAttribute("aria-label", `Open source ${match[1]}: ${citation.title}`);
      button.addEventListener("click", () => openSource(citation));
      container.appendChild(button);
    } else if (part) {
      container.appendChild(document.createTextNode(part));
    }
  }
}

function quoteWithHighlight(citation) {
  const quote = el("blockquote");
  const hasSpan = citation.answer_start !== null && citation.answer_start !== undefined;
  if (!hasSpan) {
    quote.textContent = `“${citation.quote}”`;
    return quote;
  }
  const from = citation.answer_start - citation.start;
  const to = citation.answer_end - citation.start;
  quote.append("“" + citation.quote.slice(0, from), el("mark", "", citation.quote.slice(from, to)),
    citation.quote.slice(to) + "”");
  return quote;
}

function renderCards(message, citations, answered) {
  if (!citations.length) return;
  if (!answered) message.appendChild(el("p", "cards-label", "Closest passages looked at (they do not support an answer):"));
  const cards = el("div", "cards");
  for (const citation of citations) {
    const card = el("button", "card");
    card.type = "button";
    card.dataset.docId = citation.doc_id;
    const meta = [citation.title, citation.date || "undated", citation.source || "unknown source"].join(" · ");
    card.append(el("span", "meta", `[${citation.ref}] ${meta}`), quoteWithHighlight(citation));
    card.addEventListener("click", () => openSource(citation));
    cards.appendChild(card);
  }
  message.appendChild(cards);
}

async function openSource(citation) {
  const dialog = $("source");
  try {
    const response = await fetch(`/documents/${encodeURIComponent(citation.doc_id)}`);
    if (!response.ok) throw new Error(await errorMessage(response));
    const doc = await response.json();
    $("source-title").textContent = doc.title;
    $("source-meta").textContent = [doc.date || "undated", doc.source || "unknown source"].join(" · ");
    const text = $("source-text");
    const mark = el("mark", "quote-highlight", doc.text.slice(citation.start, citation.end));
    text.replaceChildren(doc.text.slice(0, citation.start), mark, doc.text.slice(citation.end));
    if (!dialog.open) dialog.showModal();
    mark.scrollIntoView({ block: "center" });
  } catch (error) {
    addMessage("error", `Could not open the article: ${error.message}`);
  }
}

async function errorMessage(response) {
  try {
    const body = await response.json();
    if (body.error) return body.error.message;
  } catch (_) { /* not JSON */ }
  return `the service answered ${response.status}`;
}

// Reads a text/event-stream body and calls onEvent(name, data) for each event.
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trim());
      }
      onEvent(name, JSON.parse(data.join("\n") || "{}"));
    }
  }
}

// Who spoke: the LLM (verified against the quotes) or the extractive reader, and why it stood in.
function answererLabel(data) {
  if (data.answerer === "llm") return el("p", "answerer llm", "Answered by the LLM; each claim checked against its quote.");
  const label = el("p", "answerer extractive", "Answered by the extractive reader.");
  if (data.fallback_reason) label.textContent += ` The LLM's answer was not shown: ${data.fallback_reason}.`;
  return label;
}

function showFinal(message, text, answerText, data) {
  if (!data.answered) {
    message.classList.add("abstained");
    message.insertBefore(el("p", "label", "The articles don't say."), text);
  }
  message.dataset.answerer = data.answerer || "extractive";
  renderAnswerText(text, answerText, data.answered ? data.citations : []);
  message.appendChild(answererLabel(data));
  renderCards(message, data.citations, data.answered);
}

async function ask(question) {
  addMessage("question", question);
  const message = addMessage("answer", "");
  const text = el("p", "answer-text");
  message.appendChild(text);
  let answerText = "";
  let finished = false;
  setBusy(true);
  try {
    const response = await fetch("/ask/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question }),
    });
    if (!response.ok) throw new Error(await errorMessage(response));
    await readEvents(response, (name, data) => {
      if (name === "answer") {
        answerText += data.text;
        text.textContent = answerText;
      } else if (name === "citations") {
        showFinal(message, text, answerText, data);
      } else if (name === "replace") {
        // The streamed words failed the check against the quotes: the extractive answer takes their place.
        answerText = data.answer;
        message.classList.add("replaced");
        showFinal(message, text, answerText, data);
      } else if (name === "error") {
        throw new Error(data.message);
      } else if (name === "done") {
        finished = true;
      }
    });
    if (!finished) throw new Error("the answer was cut off");
  } catch (error) {
    message.remove();
    const reason = error instanceof TypeError ? "the service cannot be reached; check that it is running" : error.message;
    addMessage("error", `Sorry, no answer: ${reason}. You can ask again.`);
  } finally {
    setBusy(false);
    input.focus();
    conversation.lastElementChild?.scrollIntoView({ block: "end" });
  }
}

async function loadDocuments() {
  const list = $("documents-list");
  try {
    const response = await fetch("/documents");
    if (!response.ok) throw new Error(await errorMessage(response));
    const docs = await response.json();
    list.replaceChildren(...docs.map((d) => el("li", "", `${d.title} — ${d.date || "undated"} — ${d.chunks} passages`)));
    if (!docs.length) list.replaceChildren(el("li", "", "No articles yet."));
  } catch (error) {
    list.replaceChildren(el("li", "", `Could not load the list: ${error.message}`));
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const question = input.value.trim();
  if (!question || input.disabled) return;
  input.value = "";
  ask(question);
});

input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    form.requestSubmit();
  }
});

$("documents-toggle").addEventListener("click", () => {
  const panel = $("documents");
  panel.hidden = !panel.hidden;
  $("documents-toggle").setAttribute("aria-expanded", String(!panel.hidden));
  if (!panel.hidden) loadDocuments();
});

$("source-close").addEventListener("click", () => $("source").close());
