// LabelDialog (relabel): fuzzy search ranked prefix > word start > substring > subsequence, Enter takes the
// highlighted match, a new label only through the explicit "Create label" entry. Driven with QTest key events.
#include <QApplication>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QtTest>

#include "ui/studio/dialogs.h"

using namespace glip::studio;

namespace {
const QStringList kLabels = {QStringLiteral("person"), QStringLiteral("spoon"), QStringLiteral("sports ball"),
                             QStringLiteral("coffee mug"), QStringLiteral("cup"), QStringLiteral("Hot Dog")};

QStringList shown(const LabelDialog& d) {
  QStringList out;
  for (int i = 0; i < d.list()->count(); ++i) out << d.list()->item(i)->text();
  return out;
}
}  // namespace

class TestStudioDialogs : public QObject {
  Q_OBJECT
  std::unique_ptr<LabelDialog> open(const QString& current = QString()) {
    auto d = std::make_unique<LabelDialog>(kLabels, current);
    d->show();
    if (!QTest::qWaitForWindowExposed(d.get())) return nullptr;
    d->searchEdit()->setFocus();
    return d;
  }

 private slots:
  void matchKinds() {
    QCOMPARE(matchLabel("coffee mug", "cmug"), LabelMatch::Subsequence);
    QCOMPARE(matchLabel("coffee mug", "COF"), LabelMatch::Prefix);
    QCOMPARE(matchLabel("coffee mug", "mug"), LabelMatch::WordStart);
    QCOMPARE(matchLabel("coffee mug", "ffee"), LabelMatch::Substring);
    QCOMPARE(matchLabel("Coffee Mug", "coffee mug"), LabelMatch::Exact);
    QCOMPARE(matchLabel("coffee mug", "gum"), LabelMatch::NoMatch);
    QCOMPARE(matchLabel("cup", "cupp"), LabelMatch::NoMatch);
  }

  void rankingOrder() {
    const QStringList labels = {"c a t", "xcat", "wildcat", "the cat", "cat food", "cat", "dog"};
    QCOMPARE(rankLabels(labels, "cat"), QStringList({"cat", "cat food", "the cat", "xcat", "wildcat", "c a t"}));
    // Among subsequence matches the tighter one first.
    QCOMPARE(rankLabels({"c_______m_u_g", "coffee mug", "cm ug"}, "cmug"),
             QStringList({"cm ug", "coffee mug", "c_______m_u_g"}));
    QCOMPARE(rankLabels(labels, "  "), labels);
  }

  void fuzzySearchFindsSubsequence() {
    auto d = open();
    QVERIFY(d);
    QTest::keyClicks(d->searchEdit(), "cmug");
    QCOMPARE(shown(*d).first(), QStringLiteral("coffee mug"));
    QCOMPARE(d->list()->currentRow(), 0);  // the best match is highlighted
    QTest::keyClick(d->searchEdit(), Qt::Key_Return);
    QCOMPARE(d->result(), int(QDialog::Accepted));
    QCOMPARE(d->label(), QStringLiteral("coffee mug"));
    QVERIFY(!d->isNewLabel());
  }

  void enterTakesTheHighlightedMatch() {
    // "spo" + Enter is "spoon" (the first match), not a new label "spo".
    auto d = open();
    QVERIFY(d);
    QTest::keyClicks(d->searchEdit(), "spo");
    QCOMPARE(shown(*d).mid(0, 2), QStringList({"spoon", "sports ball"}));
    QVERIFY(d->createItem());  // offered, at the end, not highlighted
    QCOMPARE(d->list()->row(d->createItem()), d->list()->count() - 1);
    QTest::keyClick(d->searchEdit(), Qt::Key_Return);
    QCOMPARE(d->result(), int(QDialog::Accepted));
    QCOMPARE(d->label(), QStringLiteral("spoon"));
    // Down moves the highlight from the search field.
    auto e = open();
    QVERIFY(e);
    QTest::keyClicks(e->searchEdit(), "spo");
    QTest::keyClick(e->searchEdit(), Qt::Key_Down);
    QTest::keyClick(e->searchEdit(), Qt::Key_Return);
    QCOMPARE(e->label(), QStringLiteral("sports ball"));
    QCOMPARE(e->result(), int(QDialog::Accepted));
  }

  void newLabelNeedsAnExplicitChoice() {
    auto d = open();
    QVERIFY(d);
    QTest::keyClicks(d->searchEdit(), "zebra");
    QVERIFY(d->list()->currentItem() == nullptr);
    QVERIFY(d->createItem());
    QCOMPARE(d->createItem()->text(), QStringLiteral("Create label “zebra”"));
    auto* ok = d->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    QVERIFY(!ok->isEnabled());
    QTest::keyClick(d->searchEdit(), Qt::Key_Return);  // no match: nothing happens
    QVERIFY(d->isVisible());
    QVERIFY(d->result() != QDialog::Accepted);
    QCOMPARE(d->label(), QString());
    d->accept();  // nor through accept() without a highlighted entry
    QVERIFY(d->isVisible());
    // Choosing the entry on purpose creates it.
    QTest::keyClick(d->searchEdit(), Qt::Key_Down);
    QVERIFY(d->isNewLabel());
    QVERIFY(ok->isEnabled());
    QTest::keyClick(d->searchEdit(), Qt::Key_Return);
    QCOMPARE(d->result(), int(QDialog::Accepted));
    QCOMPARE(d->label(), QStringLiteral("zebra"));
    // An exact (verbatim) label is no new one.
    auto e = open();
    QVERIFY(e);
    QTest::keyClicks(e->searchEdit(), "cup");
    QVERIFY(!e->createItem());
    QTest::keyClicks(e->searchEdit(), " ");  // trailing space: still the same label
    QVERIFY(!e->createItem());
  }

  void startsOnTheCurrentLabel() {
    auto d = open(QStringLiteral("cup"));
    QVERIFY(d);
    QCOMPARE(d->list()->count(), kLabels.size());
    QCOMPARE(d->label(), QStringLiteral("cup"));
    QTest::keyClick(d->searchEdit(), Qt::Key_Up);
    QCOMPARE(d->label(), QStringLiteral("coffee mug"));
    QTest::keyClick(d->searchEdit(), Qt::Key_Escape);
    QCOMPARE(d->result(), int(QDialog::Rejected));
  }
};

QTEST_MAIN(TestStudioDialogs)
#include "test_studio_dialogs.moc"
