// Interface language: GLIP Studio's own translations (compiled in from translations/*.ts) plus Qt's (standard
// buttons and dialogs), chosen by the setting or, when it is empty, by the system locale.
#pragma once
#include <QString>

class QCoreApplication;

namespace glip::studio {

// Installs the translators on `app` (they are owned by it); "" = system locale. Returns the language actually
// installed ("zh_CN"), or "" for the English source strings.
QString installTranslations(QCoreApplication* app, const QString& language);
// Removes the translators installTranslations() added.
void removeTranslations(QCoreApplication* app);
// Languages with a translation, e.g. {"zh_CN"}.
QStringList availableLanguages();

}  // namespace glip::studio
