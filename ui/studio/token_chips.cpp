#include "ui/studio/token_chips.h"

#include <QEvent>
#include <QFontMetrics>
#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include "ui/studio/canvas_box.h"

namespace glip::studio {

namespace {
constexpr int kPadX = 5, kPadY = 2, kGap = 4;
}

TokenChipsWidget::TokenChipsWidget(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("tokenChips"));
  QSizePolicy sp(QSizePolicy::Preferred, QSizePolicy::Preferred);
  sp.setHeightForWidth(true);
  setSizePolicy(sp);
  setMouseTracking(true);
}

void TokenChipsWidget::setChips(const QVector<TokenChip>& chips, int maxQueryLen) {
  chips_ = chips;
  maxQueryLen_ = maxQueryLen;
  updateGeometry();
  update();
}

QVector<TokenChipsWidget::Item> TokenChipsWidget::layoutFor(int width, int* height) const {
  const QFontMetrics fm(font());
  const int h = fm.height() + 2 * kPadY;
  QVector<Item> items;
  int x = 0, y = 0;
  auto place = [&](Item it, int w) {
    if (x > 0 && x + w > width) {
      x = 0;
      y += h + kGap;
    }
    it.rect = QRect(x, y, w, h);
    x += w + kGap;
    items.push_back(it);
  };
  int chunk = 0;
  bool truncated = false;
  for (int i = 0; i < chips_.size(); ++i) {
    const TokenChip& c = chips_[i];
    if (c.chunk != chunk) {
      chunk = c.chunk;
      Item m;
      m.markerText = tr("chunk %1 ▸").arg(chunk + 1);
      place(m, fm.horizontalAdvance(m.markerText) + 2 * kPadX);
    }
    if (c.truncated && !truncated) {
      truncated = true;
      Item m;
      m.markerText = tr("✂ past %1 tokens, not read:").arg(maxQueryLen_);
      place(m, fm.horizontalAdvance(m.markerText) + 2 * kPadX);
    }
    Item it;
    it.chip = i;
    place(it, fm.horizontalAdvance(c.text) + 2 * kPadX);
  }
  if (height) *height = items.isEmpty() ? 0 : y + h;
  return items;
}

int TokenChipsWidget::heightForWidth(int w) const {
  int h = 0;
  layoutFor(std::max(50, w), &h);
  return h;
}

QSize TokenChipsWidget::sizeHint() const { return {240, std::max(heightForWidth(width()), fontMetrics().height())}; }
QSize TokenChipsWidget::minimumSizeHint() const { return {60, fontMetrics().height()}; }

void TokenChipsWidget::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  for (const Item& it : layoutFor(width(), nullptr)) {
    if (it.chip < 0) {
      p.setPen(palette().color(QPalette::PlaceholderText));
      p.drawText(it.rect, Qt::AlignCenter, it.markerText);
      continue;
    }
    const TokenChip& c = chips_[it.chip];
    QColor fill = palette().color(QPalette::AlternateBase);
    QColor border = palette().color(QPalette::Mid);
    QColor text = palette().color(QPalette::Text);
    if (!c.label.isEmpty()) {
      fill = labelColor(c.label).lighter(150);
      text = Qt::black;
    }
    if (c.unknown) {
      fill = QColor(255, 205, 205);
      border = QColor(200, 0, 0);
      text = QColor(150, 0, 0);
    }
    if (c.truncated) {
      fill = palette().color(QPalette::Window);
      text = palette().color(QPalette::PlaceholderText);
    }
    p.setPen(QPen(border, c.unknown ? 2 : 1));
    p.setBrush(fill);
    p.drawRoundedRect(QRectF(it.rect).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
    p.setPen(text);
    p.drawText(it.rect, Qt::AlignCenter, c.text);
  }
}

QString TokenChipsWidget::toolTipAt(const QPoint& pos) const {
  for (const Item& it : layoutFor(width(), nullptr)) {
    if (!it.rect.contains(pos)) continue;
    if (it.chip < 0) return it.markerText;
    const TokenChip& c = chips_[it.chip];
    if (c.unknown) return tr("GLIP cannot read this word: “%1”").arg(c.source);
    if (c.truncated) return tr("Past the %1-token limit: GLIP does not read “%2”").arg(QString::number(maxQueryLen_), c.source);
    QString s = tr("Token “%1” from “%2”").arg(c.text, c.source);
    if (!c.label.isEmpty()) s += QLatin1Char('\n') + tr("Label: %1").arg(c.label);
    return s;
  }
  return {};
}

bool TokenChipsWidget::event(QEvent* e) {
  if (e->type() == QEvent::ToolTip) {
    auto* he = static_cast<QHelpEvent*>(e);
    const QString tip = toolTipAt(he->pos());
    if (tip.isEmpty()) QToolTip::hideText();
    else QToolTip::showText(he->globalPos(), tip, this);
    return true;
  }
  return QWidget::event(e);
}

void TokenChipsWidget::changeEvent(QEvent* e) {
  if (e->type() == QEvent::FontChange || e->type() == QEvent::LanguageChange) updateGeometry();
  QWidget::changeEvent(e);
}

}  // namespace glip::studio
