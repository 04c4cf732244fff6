// The help texts (issue 4): HTML pages compiled in from resources/help/ as Qt resources
// (":/help/<id>.html"). Facts that live in the code are not copied into the pages but
// filled in when a page is loaded, so the help cannot drift from the program:
//   {{default:KEY}}        the default of config KEY (RunConfig{}, core/config/config.cpp)
//   {{field:KEY}}          "<b>label</b> (<code>KEY</code>, default D, range)" from the
//                          schema (core/config/schema.h): the dock's label, never retyped
//   {{schema-table}}       every key: label, type, default, allowed values, meaning
//   {{preset:NAME:KEY}}    the value of KEY in preset NAME (core/config/presets.cpp)
//   {{preset:NAME:title}}, {{preset:NAME:description}}
//   {{recent}}             how many recent sessions File ▸ Open recent keeps
// A placeholder that cannot be resolved is shown as "[?placeholder]" (tests look for it).
#pragma once

#include <QString>
#include <vector>

namespace dmftlab::help
{

struct Topic {
    QString id; ///< file stem: ":/help/<id>.html", and the link target "<id>.html"
    QString title; ///< shown in the help window's topic list
};

/// Every top-level topic, in reading order.
const std::vector<Topic> &topics();
/// The page of `id` with its placeholders resolved; empty when there is no such page.
QString topicHtml(const QString &id);
/// The raw page as compiled in (placeholders unresolved); empty when missing.
QString rawTopicHtml(const QString &id);
/// Resolves the placeholders of `html` (see the file comment).
QString resolvePlaceholders(const QString &html);

/// Topic and anchor that explain a preset ("presets", "preset-<name>").
QString presetAnchor(const QString &presetName);

} // namespace dmftlab::help
