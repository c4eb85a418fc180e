#include "ui/studio/prompt_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTextBlock>
#include <QTextDocument>
#include <QVBoxLayout>

#include "ui/studio/canvas_box.h"
#include "ui/studio/token_chips.h"

namespace glip::studio {

PromptPanel::PromptPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("promptPanel"));
  auto* lay = new QVBoxLayout(this);
  lay->setContentsMargins(4, 4, 4, 4);

  auto* top = new QHBoxLayout;
  auto* modeLabel = new QLabel(tr("Mode:"), this);
  modeBox_ = new QComboBox(this);
  modeBox_->setObjectName(QStringLiteral("promptMode"));
  modeBox_->addItem(tr("Caption"));
  modeBox_->addItem(tr("Categories"));
  modeLabel->setBuddy(modeBox_);
  top->addWidget(modeLabel);
  top->addWidget(modeBox_, 1);
  lay->addLayout(top);

  stack_ = new QStackedWidget(this);
  // Caption page
  auto* capPage = new QWidget(stack_);
  auto* capLay = new QVBoxLayout(capPage);
  capLay->setContentsMargins(0, 0, 0, 0);
  caption_ = new QPlainTextEdit(capPage);
  caption_->setObjectName(QStringLiteral("captionEdit"));
  caption_->setPlaceholderText(tr("Describe what to find, e.g. “a cat sitting on a red sofa”"));
  caption_->setTabChangesFocus(true);
  capLay->addWidget(caption_);
  auto* phraseRow = new QHBoxLayout;
  addPhrase_ = new QPushButton(tr("Add selected phrase"), capPage);
  addPhrase_->setObjectName(QStringLiteral("addPhrase"));
  addPhrase_->setToolTip(tr("Select words in the caption, then add them as a phrase to ground"));
  clearPhrases_ = new QPushButton(tr("Automatic phrases"), capPage);
  clearPhrases_->setObjectName(QStringLiteral("clearPhrases"));
  clearPhrases_->setToolTip(tr("Forget the selected phrases and let GLIP Studio find the noun phrases"));
  phraseRow->addWidget(addPhrase_);
  phraseRow->addWidget(clearPhrases_);
  capLay->addLayout(phraseRow);
  stack_->addWidget(capPage);
  // Categories page
  categories_ = new QPlainTextEdit(stack_);
  categories_->setObjectName(QStringLiteral("categoriesEdit"));
  categories_->setPlaceholderText(tr("One label per line, e.g.\nperson\nbicycle\ntraffic light"));
  categories_->setTabChangesFocus(true);
  stack_->addWidget(categories_);
  lay->addWidget(stack_, 2);

  auto* labelsTitle = new QLabel(tr("Labels GLIP will look for:"), this);
  lay->addWidget(labelsTitle);
  labels_ = new QListWidget(this);
  labels_->setObjectName(QStringLiteral("promptLabels"));
  labels_->setMaximumHeight(110);
  lay->addWidget(labels_, 1);

  auto* tokTitle = new QLabel(tr("Tokens (what GLIP reads):"), this);
  lay->addWidget(tokTitle);
  chips_ = new TokenChipsWidget(this);
  lay->addWidget(chips_);
  summary_ = new QLabel(this);
  summary_->setObjectName(QStringLiteral("promptSummary"));
  summary_->setWordWrap(true);
  lay->addWidget(summary_);
  lay->addStretch(0);

  connect(modeBox_, &QComboBox::currentIndexChanged, this, [this](int i) {
    stack_->setCurrentIndex(i);
    refresh();
  });
  connect(caption_, &QPlainTextEdit::textChanged, this, [this] {
    // Explicit phrases refer to character positions; a text edit invalidates those that no longer match.
    const QString text = caption_->toPlainText();
    QVector<CaptionPhrase> keep;
    for (const CaptionPhrase& p : phrases_) {
      const int a = utf16Index(text, p.start), b = utf16Index(text, p.end);
      if (text.mid(a, b - a) == p.text) keep.push_back(p);
    }
    phrases_ = keep;
    refresh();
  });
  connect(categories_, &QPlainTextEdit::textChanged, this, &PromptPanel::refresh);
  connect(addPhrase_, &QPushButton::clicked, this, &PromptPanel::addPhraseFromSelection);
  connect(clearPhrases_, &QPushButton::clicked, this, &PromptPanel::clearPhrases);
  refresh();
}

PromptInput::Mode PromptPanel::mode() const {
  return modeBox_->currentIndex() == 1 ? PromptInput::Mode::Categories : PromptInput::Mode::Caption;
}
void PromptPanel::setMode(PromptInput::Mode m) { modeBox_->setCurrentIndex(m == PromptInput::Mode::Categories ? 1 : 0); }
void PromptPanel::setCategoriesText(const QString& text) { categories_->setPlainText(text); }
void PromptPanel::setCaptionText(const QString& text) { caption_->setPlainText(text); }
QString PromptPanel::categoriesText() const { return categories_->toPlainText(); }
QString PromptPanel::captionText() const { return caption_->toPlainText(); }

PromptInput PromptPanel::spec() const {
  PromptInput s;
  s.mode = mode();
  for (const QString& line : categories_->toPlainText().split(QLatin1Char('\n'))) {
    const QString t = line.trimmed();
    if (!t.isEmpty()) s.categories << t;
  }
  s.caption = caption_->toPlainText();
  s.phrases = phrases_;
  return s;
}

void PromptPanel::setSpec(const PromptInput& s) {
  const QSignalBlocker b1(categories_), b2(caption_), b3(modeBox_);
  categories_->setPlainText(s.categories.join(QLatin1Char('\n')));
  caption_->setPlainText(s.caption);
  phrases_ = s.phrases;
  modeBox_->setCurrentIndex(s.mode == PromptInput::Mode::Categories ? 1 : 0);
  stack_->setCurrentIndex(modeBox_->currentIndex());
  refresh();
}

bool PromptPanel::selectCaptionRange(int a, int b) {
  QTextCursor c = caption_->textCursor();
  const int n = caption_->toPlainText().size();
  if (a < 0 || b > n || a >= b) return false;
  c.setPosition(a);
  c.setPosition(b, QTextCursor::KeepAnchor);
  caption_->setTextCursor(c);
  return true;
}

bool PromptPanel::addPhraseFromSelection() {
  if (mode() != PromptInput::Mode::Caption) return false;
  const QTextCursor c = caption_->textCursor();
  const QString text = caption_->toPlainText();
  int a = c.selectionStart(), b = c.selectionEnd();
  while (a < b && text[a].isSpace()) ++a;
  while (b > a && text[b - 1].isSpace()) --b;
  if (a >= b) return false;
  CaptionPhrase p{codePointIndex(text, a), codePointIndex(text, b), text.mid(a, b - a)};
  for (const CaptionPhrase& o : phrases_)
    if (o.start == p.start && o.end == p.end) return false;
  phrases_.push_back(p);
  std::sort(phrases_.begin(), phrases_.end(), [](const CaptionPhrase& x, const CaptionPhrase& y) { return x.start < y.start; });
  refresh();
  return true;
}

void PromptPanel::clearPhrases() {
  phrases_.clear();
  refresh();
}

void PromptPanel::setModelInfo(const glip::ModelInfo& info) {
  model_ = info;
  refresh();
}

void PromptPanel::refresh() {
  analysis_ = analyze(spec(), model_);
  chips_->setChips(analysis_.chips, analysis_.maxQueryLen);
  labels_->clear();
  if (mode() == PromptInput::Mode::Categories) {
    for (int i = 0; i < analysis_.labels.size(); ++i) {
      const QString raw = i < analysis_.rawNames.size() ? analysis_.rawNames[i] : QString();
      auto* it = new QListWidgetItem(raw == analysis_.labels[i]
                                         ? analysis_.labels[i]
                                         : tr("%1 → %2 (cleaned by GLIP)").arg(raw, analysis_.labels[i]));
      it->setForeground(labelColor(analysis_.labels[i]).darker(160));
      labels_->addItem(it);
    }
  } else {
    for (const CaptionPhrase& p : analysis_.phrases) {
      auto* it = new QListWidgetItem(analysis_.heuristicPhrases ? tr("%1 (automatic)").arg(p.text) : p.text);
      it->setForeground(labelColor(p.text).darker(160));
      labels_->addItem(it);
    }
  }
  clearPhrases_->setEnabled(!phrases_.isEmpty());
  QStringList lines;
  if (analysis_.tokenCount > 0) {
    lines << (analysis_.chunkCount > 1 ? tr("%n token(s) in %1 chunks", nullptr, analysis_.tokenCount).arg(analysis_.chunkCount)
                                       : tr("%n token(s)", nullptr, analysis_.tokenCount));
  }
  if (!analysis_.unknownWords.isEmpty())
    lines << QStringLiteral("<span style='color:#b00000'>%1</span>")
                 .arg(tr("GLIP cannot read: %1 (shown as [UNK])").arg(analysis_.unknownWords.join(QStringLiteral(", ")).toHtmlEscaped()));
  if (analysis_.truncatedTokens > 0)
    lines << QStringLiteral("<span style='color:#b06000'>%1</span>")
                 .arg(tr("%n token(s) past the %1-token limit are not read", nullptr, analysis_.truncatedTokens)
                          .arg(analysis_.maxQueryLen));
  if (!analysis_.error.isEmpty())
    lines << QStringLiteral("<span style='color:#b00000'>%1</span>").arg(analysis_.error.toHtmlEscaped());
  summaryLines_ = lines;
  showSummary();
  highlightPhrases();
  emit promptChanged();
}

void PromptPanel::setRunWarnings(const QStringList& warnings) {
  runWarnings_ = warnings;
  runWarningsKey_ = spec().key();
  showSummary();
}

void PromptPanel::showSummary() {
  QStringList lines = summaryLines_;
  if (runWarningsKey_ == spec().key())
    for (const QString& w : std::as_const(runWarnings_))
      lines << QStringLiteral("<span style='color:#b06000'>%1</span>").arg(tr("GLIP: %1").arg(w).toHtmlEscaped());
  summary_->setText(lines.join(QStringLiteral("<br>")));
}

QString PromptPanel::summaryText() const {
  QTextDocument d;
  d.setHtml(summary_->text());
  return d.toPlainText();
}

void PromptPanel::highlightPhrases() {
  QList<QTextEdit::ExtraSelection> sel;
  const QString text = caption_->toPlainText();
  if (mode() == PromptInput::Mode::Caption) {
    for (const CaptionPhrase& p : analysis_.phrases) {
      QTextEdit::ExtraSelection es;
      es.cursor = QTextCursor(caption_->document());
      es.cursor.setPosition(utf16Index(text, p.start));
      es.cursor.setPosition(utf16Index(text, p.end), QTextCursor::KeepAnchor);
      es.format.setBackground(labelColor(p.text).lighter(150));
      es.format.setForeground(Qt::black);
      if (!analysis_.heuristicPhrases) es.format.setFontUnderline(true);
      sel << es;
    }
  }
  caption_->setExtraSelections(sel);
}

}  // namespace glip::studio
