// Phrases of a free-form caption without character spans, for `glip predict --caption` when no --phrase is given.
//
// The official demo (engine/predictor_glip.py run_ner) tags the lowercased caption with NLTK and takes the chunks
// of the grammar "NP: {<DT>?<JJ.*>*<NN.*>+}". We ship no tagger, so this is a simple, documented heuristic that
// gives the same phrases on typical captions ("an astronaut in a white spacesuit holding a helmet next to a flag"
// -> "an astronaut", "a white spacesuit", "a helmet", "a flag"):
//
//   1. Words are maximal runs of letters, digits and combining marks, with an apostrophe or hyphen allowed
//      between two such characters ("t-shirt", "man's"). Any other non-space character (punctuation, symbols)
//      ends the current phrase.
//   2. Each word (compared lowercased) is a DETERMINER (a, an, the, this, that, these, those, some, any, each,
//      every, another, both, several, many, my, your, his, her, its, our, their, the numbers one..twelve and
//      words made of digits), a STOPWORD (prepositions, conjunctions, pronouns, auxiliary and a few common verbs,
//      adverbs such as "next", "very", "not"; the list is kPhraseStopwords in phrases.cpp), or a CONTENT word.
//   3. A content word of 5 or more letters ending in "ing" that is directly followed by a determiner is taken as a
//      verb ("holding a helmet") and treated as a stopword.
//   4. A phrase is an optional run of determiners followed by a maximal run of content words; stopwords and
//      punctuation end it. Determiners without a following content word are dropped.
//
// Each phrase is returned once per occurrence, with its span in the caption (code points) and the caption text of
// that span as its name (original case). Returns an empty list when the caption has no content word (e.g. only
// punctuation or stopwords).
#pragma once
#include <string>
#include <vector>

#include "core/text/prompt.h"

namespace glip::text {

// glip::Error if the caption is not valid UTF-8.
std::vector<Phrase> find_phrases(const std::string& caption);

}  // namespace glip::text
