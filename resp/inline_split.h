// Splitting of inline requests ("SET k v\r\n" typed into telnet) into
// arguments, with the quoting rules of Redis's sdssplitargs.
#ifndef RESP_INLINE_SPLIT_H_
#define RESP_INLINE_SPLIT_H_

#include <string>
#include <string_view>
#include <vector>

namespace resp {

// Splits `line` (without its line terminator) into arguments the way Redis
// 7.0's sdssplitargs does, appending them to *args:
//  - arguments are separated by runs of isspace() bytes; an unquoted argument
//    ends at ' ', '\t', '\r' or '\n' (so "\v" inside a word is kept);
//  - "double quotes" support \n \r \t \b \a \\ \" and \xHH escapes, any other
//    escaped byte stands for itself;
//  - 'single quotes' support only \' ;
//  - quotes may start in the middle of a word (a"b c" is "ab c"), and a
//    closing quote must be followed by whitespace or the end of the line;
//  - a NUL byte ends the line, as it ends the C string sdssplitargs reads.
// Arguments without quotes are views into `line` (zero-copy). Quoted ones are
// unescaped into *storage, which is cleared and reserved to line.size() first
// so that it never reallocates while views into it exist; they stay valid
// until *storage is modified again.
// Returns false if quotes are unbalanced (Redis: "unbalanced quotes in
// request"); *args then holds an unspecified prefix of arguments.
bool SplitInlineArgs(std::string_view line, std::string* storage,
                     std::vector<std::string_view>* args);

}  // namespace resp

#endif  // RESP_INLINE_SPLIT_H_
