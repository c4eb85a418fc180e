// What the user asked for (PromptInput) and what GLIP's tokenizer makes of it (PromptAnalysis), in Qt types.
// analyze() asks the engine (glip::preview_tokens, glip::Prompt::find_phrases) with the model's ModelInfo
// (MAX_QUERY_LEN, chunking); before a model is loaded, with GLIP's defaults (glip::default_model_info()).
#pragma once
#include <QString>
#include <QStringList>
#include <QVector>

#include "core/engine/engine.h"
#include "ui/studio/token_chips.h"

namespace glip::studio {

struct CaptionPhrase {
  int start = 0, end = 0;  // code points in the caption, [start, end)
  QString text;
};

struct PromptInput {
  enum class Mode { Categories, Caption };
  Mode mode = Mode::Caption;
  QStringList categories;          // raw names, one per line (empty lines dropped)
  QString caption;
  QVector<CaptionPhrase> phrases;  // explicit phrases; empty -> the heuristic phrases

  // A stable text key of the prompt, for caches and the project file.
  QString key() const;
  bool isEmpty() const;
};

struct PromptAnalysis {
  QString error;                   // e.g. a category without any token; empty when the prompt is usable
  QStringList labels;              // final label names, in order (cleaned names / phrase texts)
  QStringList rawNames;            // categories mode: the names as typed
  QVector<CaptionPhrase> phrases;  // caption mode: the phrases used (explicit or heuristic)
  bool heuristicPhrases = false;
  QVector<TokenChip> chips;
  int tokenCount = 0;              // WordPiece tokens (all chunks)
  int chunkCount = 0;
  QStringList unknownWords;        // source text of [UNK] tokens
  int truncatedTokens = 0;         // caption mode: tokens past the MAX_QUERY_LEN limit
  int maxQueryLen = 0;             // the model's MAX_QUERY_LEN (tokens per chunk, [CLS] and [SEP] included)
};

PromptAnalysis analyze(const PromptInput& spec, const glip::ModelInfo& model = glip::default_model_info());

// Code point index <-> UTF-16 index of a QString (the caption is stored as QString, GLIP counts code points).
int codePointIndex(const QString& text, int utf16Index);
int utf16Index(const QString& text, int codePointIndex);

}  // namespace glip::studio
