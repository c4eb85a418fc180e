#include "ui/studio/prompt_input.h"

#include <QCoreApplication>

namespace glip::studio {

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }
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

PromptAnalysis analyze(const PromptInput& spec, const glip::ModelInfo& model) {
  PromptAnalysis a;
  a.maxQueryLen = static_cast<int>(model.max_query_len);
  try {
    glip::Prompt prompt;
    if (spec.mode == PromptInput::Mode::Categories) {
      std::vector<std::string> names;
      for (const QString& n : spec.categories) {
        a.rawNames << n;
        names.push_back(n.toStdString());
      }
      if (names.empty()) return a;
      prompt = glip::Prompt::categories(names);
    } else {
      if (spec.caption.trimmed().isEmpty()) return a;
      prompt.caption = spec.caption.toStdString();
      if (spec.phrases.isEmpty()) {
        a.heuristicPhrases = true;
        for (const glip::Prompt::Label& l : glip::Prompt::find_phrases(prompt.caption))
          for (const auto& s : l.spans)
            a.phrases.push_back({static_cast<int>(s[0]), static_cast<int>(s[1]), q(l.name)});
      } else {
        a.phrases = spec.phrases;
      }
      for (const CaptionPhrase& p : a.phrases)
        prompt.labels.push_back({p.text.toStdString(), {{int64_t{p.start}, int64_t{p.end}}}});
    }
    const glip::TokenPreview preview = glip::preview_tokens(prompt, model);
    a.chunkCount = preview.chunks;
    for (const std::string& n : preview.label_names) a.labels << q(n);
    for (const glip::TokenPreview::Token& t : preview.tokens) {
      TokenChip chip;
      chip.text = q(t.text);
      chip.source = q(t.source);
      chip.unknown = t.unknown;
      chip.truncated = t.truncated;
      chip.chunk = t.chunk;
      if (t.label > 0) chip.label = a.labels.value(t.label - 1);
      if (chip.truncated) ++a.truncatedTokens;
      if (chip.unknown) a.unknownWords << chip.source;
      a.chips.push_back(chip);
    }
    if (spec.mode == PromptInput::Mode::Caption && a.phrases.isEmpty())
      a.error = QCoreApplication::translate("PromptAnalysis", "No phrase found: select a phrase in the caption and add it.");
  } catch (const glip::Error& e) {
    a.error = q(e.what());
  }
  a.tokenCount = static_cast<int>(a.chips.size());
  return a;
}

}  // namespace glip::studio
