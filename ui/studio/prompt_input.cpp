#include "ui/studio/prompt_input.h"

#include <QCoreApplication>

#include "core/common/error.h"
#include "core/text/bert_tokenizer.h"
#include "core/text/phrases.h"
#include "core/text/prompt.h"

namespace glip::studio {

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }
constexpr int kMaxQueryLen = 256;
}  // namespace

int codePointIndex(const QString& text, int utf16) {
  utf16 = std::clamp(utf16, 0, static_cast<int>(text.size()));
  int cp = 0;
  for (int i = 0; i < utf16; ++i) {
    if (text[i].isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) ++i;
    ++cp;
  }
  return cp;
}

int utf16Index(const QString& text, int codePoint) {
  int i = 0;
  for (int cp = 0; cp < codePoint && i < text.size(); ++cp) {
    if (text[i].isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) ++i;
    ++i;
  }
  return i;
}

QString PromptInput::key() const {
  QString k = mode == Mode::Categories ? QStringLiteral("det\x1f") + categories.join(QLatin1Char('\n'))
                                       : QStringLiteral("grd\x1f") + caption;
  if (mode == Mode::Caption)
    for (const CaptionPhrase& p : phrases) k += QStringLiteral("\x1f%1:%2").arg(p.start).arg(p.end);
  return k;
}

bool PromptInput::isEmpty() const {
  return mode == Mode::Categories ? categories.isEmpty() : caption.trimmed().isEmpty();
}

PromptAnalysis analyze(const PromptInput& spec) {
  PromptAnalysis a;
  const auto& tok = text::BertTokenizer::bert_base_uncased();
  try {
    if (spec.mode == PromptInput::Mode::Categories) {
      std::vector<std::string> names;
      for (const QString& n : spec.categories) {
        a.rawNames << n;
        names.push_back(n.toStdString());
      }
      if (names.empty()) return a;
      const std::vector<text::Prompt> chunks = text::detection_prompts(names);
      a.chunkCount = static_cast<int>(chunks.size());
      for (size_t c = 0; c < chunks.size(); ++c) {
        const text::Prompt& p = chunks[c];
        for (const std::string& n : p.label_names) a.labels << q(n);
        const text::Encoding& e = p.encoding;
        for (int64_t t = 0; t < e.num_tokens(); ++t) {
          if (!e.spans[t].valid()) continue;  // [CLS] / [SEP]
          TokenChip chip;
          chip.text = q(e.tokens[t]);
          chip.source = q(text::utf8_substr(p.caption, e.spans[t].start, e.spans[t].end));
          chip.unknown = e.tokens[t] == "[UNK]";
          chip.chunk = static_cast<int>(c);
          for (size_t l = 0; l < p.label_spans.size() && chip.label.isEmpty(); ++l)
            for (const text::CharSpan& s : p.label_spans[l])
              if (e.spans[t].start >= s.start && e.spans[t].start < s.end) chip.label = q(p.label_names[l]);
          if (chip.unknown) a.unknownWords << chip.source;
          a.chips.push_back(chip);
        }
      }
    } else {
      const std::string caption = spec.caption.toStdString();
      if (spec.caption.trimmed().isEmpty()) return a;
      a.chunkCount = 1;
      if (spec.phrases.isEmpty()) {
        a.heuristicPhrases = true;
        for (const text::Phrase& p : text::find_phrases(caption))
          for (const text::CharSpan& s : p.spans)
            a.phrases.push_back({static_cast<int>(s.start), static_cast<int>(s.end), q(p.name)});
      } else {
        a.phrases = spec.phrases;
      }
      for (const CaptionPhrase& p : a.phrases) a.labels << p.text;
      const std::vector<text::Token> tokens = tok.tokenize(caption);
      for (size_t t = 0; t < tokens.size(); ++t) {
        TokenChip chip;
        chip.text = q(tokens[t].text);
        chip.source = q(text::utf8_substr(caption, tokens[t].span.start, tokens[t].span.end));
        chip.unknown = tokens[t].text == "[UNK]";
        chip.truncated = static_cast<int>(t) >= kMaxQueryLen - 2;
        for (const CaptionPhrase& p : a.phrases)
          if (tokens[t].span.start >= p.start && tokens[t].span.start < p.end) {
            chip.label = p.text;
            break;
          }
        if (chip.truncated) ++a.truncatedTokens;
        if (chip.unknown) a.unknownWords << chip.source;
        a.chips.push_back(chip);
      }
      if (a.phrases.isEmpty()) a.error = QCoreApplication::translate("PromptAnalysis", "No phrase found: select a phrase in the caption and add it.");
    }
  } catch (const glip::Error& e) {
    a.error = q(e.what());
  }
  a.tokenCount = static_cast<int>(a.chips.size());
  return a;
}

}  // namespace glip::studio
