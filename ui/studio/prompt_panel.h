// The prompt panel. "Categories" mode: one label per line; the clean_name() result is shown when GLIP changes a
// name. "Caption" mode: free text; the user selects a phrase in the text and adds it (its character span becomes
// a label); without explicit phrases the noun-phrase heuristic of core/text/phrases.h is shown and used.
// Under the text: the WordPiece token chips ([UNK] flagged, chunk boundaries / truncation past the model's
// MAX_QUERY_LEN tokens, 256 in GLIP's configs).
//
// The panel asks the engine for the tokens (glip::preview_tokens, via analyze()); the glip::Prompt for the engine is
// built by MainWindow::buildPrompt from the PromptInput this panel returns.
#pragma once
#include <QWidget>

#include "ui/studio/prompt_input.h"

class QComboBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;

namespace glip::studio {

class TokenChipsWidget;

class PromptPanel : public QWidget {
  Q_OBJECT
 public:
  explicit PromptPanel(QWidget* parent = nullptr);

  PromptInput spec() const;  // the current prompt, as the user wrote it
  void setSpec(const PromptInput& spec);
  PromptInput::Mode mode() const;
  void setMode(PromptInput::Mode mode);
  void setCategoriesText(const QString& text);
  void setCaptionText(const QString& text);
  QString categoriesText() const;
  QString captionText() const;

  // Adds the caption text selection as a phrase; false if nothing is selected in caption mode.
  bool addPhraseFromSelection();
  bool selectCaptionRange(int utf16Start, int utf16End);  // for tests and scripted use
  void clearPhrases();

  // What GLIP said about the last run of this prompt (e.g. phrases lost past the token limit); shown under the
  // tokens until the prompt changes.
  void setRunWarnings(const QStringList& warnings);
  QString summaryText() const;

  // The model the prompt is for (MAX_QUERY_LEN, chunking): the analysis follows it. GLIP's defaults until set.
  void setModelInfo(const glip::ModelInfo& info);
  const glip::ModelInfo& modelInfo() const { return model_; }
  const PromptAnalysis& analysis() const { return analysis_; }
  TokenChipsWidget* chipsWidget() const { return chips_; }
  QPlainTextEdit* categoriesEdit() const { return categories_; }
  QPlainTextEdit* captionEdit() const { return caption_; }

 signals:
  void promptChanged();

 private:
  void refresh();
  void highlightPhrases();

  QComboBox* modeBox_ = nullptr;
  QStackedWidget* stack_ = nullptr;
  QPlainTextEdit* categories_ = nullptr;
  QPlainTextEdit* caption_ = nullptr;
  QPushButton* addPhrase_ = nullptr;
  QPushButton* clearPhrases_ = nullptr;
  QListWidget* labels_ = nullptr;  // cleaned names / phrases
  QLabel* summary_ = nullptr;      // "12 tokens", "[UNK]" warning, errors
  TokenChipsWidget* chips_ = nullptr;
  QVector<CaptionPhrase> phrases_;  // explicit phrases (caption mode)
  glip::ModelInfo model_ = glip::default_model_info();
  PromptAnalysis analysis_;
  QStringList runWarnings_;
  QString runWarningsKey_;  // the prompt they belong to
  QStringList summaryLines_;
  void showSummary();
};

}  // namespace glip::studio
