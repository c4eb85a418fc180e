// WordPiece token chips under the prompt text: one rounded chip per token, [UNK] chips flagged in red ("GLIP
// cannot read this word"), tokens of a label tinted with the label's colour, and a marked boundary where a new
// prompt chunk starts (categories past MAX_QUERY_LEN tokens) or where truncation begins (captions past it).
#pragma once
#include <QVector>
#include <QWidget>

namespace glip::studio {

struct TokenChip {
  QString text;          // "coffee", "##nt", "[UNK]"
  QString source;        // the caption characters it came from
  bool unknown = false;  // [UNK]
  bool truncated = false;
  int chunk = 0;         // prompt chunk (0-based)
  QString label;         // label whose span covers it ("" if none): tints the chip
};

class TokenChipsWidget : public QWidget {
  Q_OBJECT
 public:
  explicit TokenChipsWidget(QWidget* parent = nullptr);
  // `maxQueryLen`: the model's MAX_QUERY_LEN, named in the truncation marker.
  void setChips(const QVector<TokenChip>& chips, int maxQueryLen);
  const QVector<TokenChip>& chips() const { return chips_; }
  QString toolTipAt(const QPoint& pos) const;

  bool hasHeightForWidth() const override { return true; }
  int heightForWidth(int w) const override;
  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent*) override;
  bool event(QEvent* e) override;
  void changeEvent(QEvent* e) override;

 private:
  struct Item {
    int chip = -1;       // index into chips_, or -1 for a boundary marker
    QString markerText;  // for markers
    QRect rect;
  };
  QVector<Item> layoutFor(int width, int* height) const;
  QVector<TokenChip> chips_;
  int maxQueryLen_ = 0;
};

}  // namespace glip::studio
