"""Chat completions for the built-in model: quote earlier text, measure attached images.

The question is the last text part of the last user message. Everything else that is text —
system and tool messages, earlier turns, and any earlier text parts of that last message (a
pasted document followed by a question) — is the material it quotes from; so are the other
sentences of the question part itself ("Summarise this: <pasted text>"). Only the images of
the last user message are described; earlier ones were described in their own turn.

A request for a summary — a system message that asks for one ("Summarize … in about 250
words"), or a question that does — is answered by `engine.llm.summarise`: a Markdown summary
of the material built from its structure, the question being its focus. Such instructions are
not material.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any
from urllib.parse import unquote_to_bytes

from engine.llm._image import describe_image
from engine.llm._ranking import best_sentences, is_summary_request
from engine.llm._sentences import split_sentences
from engine.llm._terms import terms
from engine.llm.summarise import DEFAULT_WORDS, summarise

CHAT_LEAD = "From the text in this conversation:"
CHAT_NO_ANSWER = "The text in this conversation doesn't say. I found nothing about that in it."
NO_MATERIAL = (
    "I am the built-in local model: I can only answer from text given to me (uploaded "
    "documents or earlier messages), and this conversation has no such text."
)
NOTHING_ASKED = "There is nothing to answer: the last user message has no text and no image."
_MARKER = re.compile(r"【[^】]*】")
# Numbered source blocks ("[3] (report.pdf, p. 12)" then the text), as the engine's runs send an
# upstream model; quotes from such a block are cited with its number, as an upstream would.
_SOURCE_HEADER = re.compile(r"^\[(\d{1,2})\] \([^\n]*\)$", re.MULTILINE)
_TEXT_PARTS = ("text", "input_text")
_IMAGE_PARTS = ("image_url", "input_image")
_MIN_PASTED_TERMS = 5
_SUMMARY_INSTRUCTION = re.compile(r"\bsummar(?:y|ies|ise|ize|ising|izing|iser|izer)\b", re.I)
_TARGET_WORDS = re.compile(r"\b(\d{2,5})\s+words\b", re.I)
_MAX_INSTRUCTION_CHARS = 2000


def answer_chat(messages: list[dict[str, Any]]) -> str:
    """Answer the last user message from the conversation's own text, then describe its images."""
    last_user = max((i for i, m in enumerate(messages) if m.get("role") == "user"), default=None)
    material: list[str] = []
    question = ""
    images: list[str] = []
    instructions: list[str] = []
    for index, message in enumerate(messages):
        texts, urls = _parts(message.get("content"))
        if index == last_user:
            question = texts.pop().strip() if texts else ""
            images = urls
        if message.get("role") == "system":
            instructions.extend(t for t in texts if _is_summary_instruction(t))
            texts = [t for t in texts if not _is_summary_instruction(t)]
        material.extend(_MARKER.sub("", t) for t in texts if t.strip() and not _is_ours(t))
    question = _split_pasted_text(question, material)
    if question and not images and (instructions or is_summary_request(question)):
        target = _target_words([*instructions, question])
        summary = summarise(material, question, target) if material else ""
        if summary:
            return summary
    answer = _answer(question, material) if question else None
    # With images attached, the question is most likely about them: their description answers
    # it, and a "the text doesn't say" in front would only be noise.
    replies = [answer] if answer and not (images and _is_ours(answer)) else []
    numbered = len(images) > 1
    for number, url in enumerate(images, start=1):
        description = _describe_url(url)
        replies.append(f"Image {number}: {description}" if numbered else description)
    return "\n\n".join(replies) or NOTHING_ASKED


def _is_summary_instruction(text: str) -> bool:
    """A short system text asking for a summary (not a document that mentions one)."""
    return len(text) <= _MAX_INSTRUCTION_CHARS and _SUMMARY_INSTRUCTION.search(text) is not None


def _target_words(texts: list[str]) -> int:
    """The word count asked for ("about 250 words"), else the default."""
    for text in texts:
        match = _TARGET_WORDS.search(text)
        if match:
            return max(int(match.group(1)), 10)
    return DEFAULT_WORDS


def _split_pasted_text(question: str, material: list[str]) -> str:
    """Move text pasted around the question ("Summarise this: ...") into the material."""
    sentences = [span.text for span in split_sentences(question)]
    if len(sentences) < 2:
        return question
    # The request comes before the pasted text or after it; the last sentence by default.
    first, last = sentences[0], sentences[-1]
    asks_first = _is_request(first) and not _is_request(last)
    asked, pasted = (first, sentences[1:]) if asks_first else (last, sentences[:-1])
    # A few words around a question ("Thanks. What was ...?") are not material to quote.
    if len(terms(" ".join(pasted))) >= _MIN_PASTED_TERMS:
        material.append("\n".join(pasted))
    return asked


def _is_request(sentence: str) -> bool:
    """True for a question or a request for a summary."""
    return sentence.endswith("?") or is_summary_request(sentence)


_QUOTE = re.compile(r"“([^“”]+)”")


def _unquoted(material: list[str]) -> list[str]:
    """Text made of quotations (an earlier extractive answer or summary, fed back) split into
    the quoted sentences, so that quoting it again keeps them whole."""
    result: list[str] = []
    for text in material:
        quotes = _QUOTE.findall(text)
        if len(quotes) >= 2 and sum(map(len, quotes)) >= 0.8 * len(text.strip()):
            result.extend(q if q.rstrip()[-1:] in ".!?:;" else q + "." for q in quotes)
        else:
            result.append(text)
    return result


def _numbered_blocks(material: list[str]) -> tuple[list[str], list[str | None]]:
    """Material split at numbered source headers, with each piece's source number (or None)."""
    texts: list[str] = []
    labels: list[str | None] = []
    for text in material:
        headers = list(_SOURCE_HEADER.finditer(text))
        if not headers:
            texts.append(text)
            labels.append(None)
            continue
        if text[: headers[0].start()].strip():
            texts.append(text[: headers[0].start()])
            labels.append(None)
        for header, following in zip(headers, [*headers[1:], None], strict=True):
            texts.append(text[header.end() : following.start() if following else len(text)])
            labels.append(header.group(1))
    return texts, labels


def _answer(question: str, material: list[str]) -> str:
    """Quoted sentences of the material that answer the question, or a plain 'not found'."""
    if not material:
        return NO_MATERIAL
    texts, labels = _numbered_blocks(_unquoted(material))
    picks = best_sentences(question, texts, 5 if is_summary_request(question) else 3)
    if not picks:
        return CHAT_NO_ANSWER
    quotes = []
    for pick in picks:
        label = labels[pick.source_index]
        quotes.append(f"“{' '.join(pick.text.split())}”" + (f" [{label}]" if label else ""))
    # A summary is all quotes by nature; the lead is for answers to questions.
    return " ".join(quotes if is_summary_request(question) else [CHAT_LEAD, *quotes])


def _is_ours(text: str) -> bool:
    """True for this model's own fixed replies, which are no material to quote."""
    return text.strip() in (CHAT_NO_ANSWER, NO_MATERIAL, NOTHING_ASKED)


def _parts(content: Any) -> tuple[list[str], list[str]]:
    """Text parts and image URLs of a message's content (a string or a list of parts)."""
    if isinstance(content, str):
        return [content], []
    texts: list[str] = []
    urls: list[str] = []
    for part in content if isinstance(content, list) else []:
        if not isinstance(part, dict):
            continue
        if part.get("type") in _TEXT_PARTS and isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif part.get("type") in _IMAGE_PARTS:
            image = part.get("image_url")
            url = image.get("url") if isinstance(image, dict) else image
            urls.append(url if isinstance(url, str) else "")
    return texts, urls


def _describe_url(url: str) -> str:
    """Describe an image given as a data URL; remote URLs can't be fetched offline."""
    if url.startswith(("http://", "https://")):
        return (
            "This image is a link to a remote address; the built-in model works offline "
            "and cannot fetch it."
        )
    data = _data_url_bytes(url)
    if data is None:
        return "This image could not be decoded: it is not a readable data URL."
    return describe_image(data)


def _data_url_bytes(url: str) -> bytes | None:
    """The bytes of a `data:` URL, or None if it is not one or is malformed."""
    header, comma, payload = url.partition(",")
    if not comma or not header.startswith("data:"):
        return None
    if not header.endswith(";base64"):
        return unquote_to_bytes(payload)
    try:
        return base64.b64decode(payload, validate=False)
    except (binascii.Error, ValueError):
        return None
