// Unit tests for core/common: the one UTF-8 decoder/encoder and the one FNV-1a hash.
#include <QtTest>

#include "core/common/error.h"
#include "core/common/hash.h"
#include "core/common/utf8.h"

namespace {

std::string fnv_hex(const std::string& s) {
  glip::Fnv1a h;
  h.bytes(s.data(), s.size());
  return h.hex();
}

}  // namespace

class TestCommon : public QObject {
  Q_OBJECT

 private slots:
  void utf8DecodeValid() {
    // 1-, 2-, 3- and 4-byte sequences, including the edges of each range.
    const std::string s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f\xc2\x80\xef\xbf\xbf\xf4\x8f\xbf\xbf";
    const std::u32string cps = glip::utf8_decode(s);
    QCOMPARE(cps, (std::u32string{U'a', 0xE9, 0x20AC, 0x1F600, 0x7F, 0x80, 0xFFFF, 0x10FFFF}));
    QCOMPARE(glip::utf8_encode(cps), s);
    QCOMPARE(glip::utf8_length(s), int64_t{8});
    QCOMPARE(glip::utf8_length(""), int64_t{0});
  }

  void utf8DecodeInvalid_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message");
    const std::pair<std::string, std::string> cases[] = {
        {"ab\x80", "byte offset 2 (byte 0x80)"},             // stray continuation byte
        {"\xc0\x80", "byte offset 0 (byte 0xc0)"},           // overlong NUL
        {"\xc1\xbf", "byte offset 0 (byte 0xc1)"},           // overlong 2-byte lead
        {"x\xe0\x80\x80", "byte offset 1 (byte 0xe0)"},      // overlong 3-byte
        {"\xed\xa0\x80", "byte offset 0 (byte 0xed)"},       // surrogate U+D800
        {"\xf0\x80\x80\x80", "byte offset 0 (byte 0xf0)"},   // overlong 4-byte
        {"\xf4\x90\x80\x80", "byte offset 0 (byte 0xf4)"},   // beyond U+10FFFF
        {"\xf5\x80\x80\x80", "byte offset 0 (byte 0xf5)"},   // invalid lead
        {"\xc3\xa9\xe2\x82", "byte offset 2 (byte 0xe2)"},   // truncated at the end
        {"\xe2\x28\xa1", "byte offset 0 (byte 0xe2)"},       // bad continuation
    };
    for (const auto& [bytes, message] : cases)
      QTest::newRow(message.c_str()) << QByteArray::fromStdString(bytes) << QString::fromStdString(message);
  }
  void utf8DecodeInvalid() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    QString msg = "<no glip::Error>";
    try {
      glip::utf8_decode(bytes.toStdString());
    } catch (const glip::Error& e) {
      msg = QString::fromStdString(e.what());
    }
    QVERIFY2(msg.startsWith("text is not valid UTF-8: invalid byte sequence at ") && msg.endsWith(message),
             qPrintable(msg));
  }

  void utf8Substr() {
    const std::string s = "caf\xc3\xa9 \xe2\x82\xac";  // "café €"
    QCOMPARE(glip::utf8_substr(s, 2, 4), std::string("f\xc3\xa9"));
    QCOMPARE(glip::utf8_substr(s, 5, 99), std::string("\xe2\x82\xac"));
    QCOMPARE(glip::utf8_substr(s, -3, 1), std::string("c"));
    QCOMPARE(glip::utf8_substr(s, 4, 2), std::string());
  }

  void utf8Append() {
    std::string out;
    for (char32_t c : {char32_t{0x24}, char32_t{0xA2}, char32_t{0x939}, char32_t{0x10348}}) glip::utf8_append(out, c);
    QCOMPARE(out, std::string("\x24\xc2\xa2\xe0\xa4\xb9\xf0\x90\x8d\x88"));
  }

  void fnv1aKnownValues() {
    // Reference values of 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
    QCOMPARE(fnv_hex(""), std::string("cbf29ce484222325"));
    QCOMPARE(fnv_hex("a"), std::string("af63dc4c8601ec8c"));
    QCOMPARE(fnv_hex("foobar"), std::string("85944171f73967e8"));
  }

  void fnv1aStringsAreDelimited() {
    glip::Fnv1a ab_c, a_bc;
    ab_c.str("ab");
    ab_c.str("c");
    a_bc.str("a");
    a_bc.str("bc");
    QVERIFY(ab_c.h != a_bc.h);
    glip::Fnv1a again;
    again.str("ab");
    again.str("c");
    QCOMPARE(again.hex(), ab_c.hex());
    QCOMPARE(static_cast<int>(again.hex().size()), 16);
  }
};

QTEST_APPLESS_MAIN(TestCommon)
#include "test_common.moc"
