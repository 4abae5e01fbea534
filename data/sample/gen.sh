#!/usr/bin/env bash
# gen.sh rebuilds the compressed files of the sample dump from
# enwiki-sample-pages-articles.xml and checks them.
#
# It writes, next to this script:
#
#   enwiki-sample-pages-articles.xml.bz2
#       the whole XML as one bzip2 stream.
#   enwiki-sample-pages-articles-multistream.xml.bz2
#       the same bytes as a concatenation of bzip2 streams, laid out the way
#       Wikimedia lays out its multistream dumps: stream 0 holds the
#       <mediawiki> open tag and <siteinfo>, each following stream holds
#       PAGES_PER_STREAM <page> elements, and the last stream holds
#       </mediawiki>.
#   enwiki-sample-pages-articles-multistream-index.txt.bz2
#       one line OFFSET:PAGEID:TITLE per page, where OFFSET is the byte
#       offset in the multistream file of the stream that holds the page.
#
# Then it checks that both files decompress to the XML byte for byte and that
# every index offset starts a bzip2 stream ("BZh").
#
# The output is deterministic: the same XML always gives the same bytes.
# Needs bash, GNU coreutils (dd with iflag=skip_bytes), awk and bzip2.
#
# Usage: data/sample/gen.sh

set -euo pipefail

PAGES_PER_STREAM=4

cd "$(dirname "$0")"
xml=enwiki-sample-pages-articles.xml
single=enwiki-sample-pages-articles.xml.bz2
multi=enwiki-sample-pages-articles-multistream.xml.bz2
index=enwiki-sample-pages-articles-multistream-index.txt.bz2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One line per page: START END PAGEID TITLE, where START is the byte offset
# of the "  <page>" line and END the offset just past the "  </page>" line.
# The page id is the first <id> inside the page, before any <revision>.
# LC_ALL=C makes length() count bytes, not characters.
LC_ALL=C awk '
    { start = off; off += length($0) + 1 }
    $0 == "  <page>"  { pstart = start; id = ""; title = ""; inrev = 0; next }
    $0 == "    <revision>" { inrev = 1; next }
    !inrev && id == "" && /^    <id>[0-9]+<\/id>$/ {
        id = $0; gsub(/[^0-9]/, "", id); next
    }
    /^    <title>.*<\/title>$/ {
        title = $0; sub(/^    <title>/, "", title); sub(/<\/title>$/, "", title); next
    }
    $0 == "  </page>" { print pstart, off, id, title }
' "$xml" >"$tmp/pages"

npages=$(wc -l <"$tmp/pages")
if [ "$npages" -eq 0 ]; then
    echo "gen.sh: no <page> elements found in $xml" >&2
    exit 1
fi
total=$(wc -c <"$xml")
first=$(awk 'NR == 1 { print $1 }' "$tmp/pages")
last=$(awk 'END { print $2 }' "$tmp/pages")

# chunk START END: the bytes [START, END) of the XML.
chunk() {
    dd if="$xml" iflag=skip_bytes,count_bytes skip="$1" count="$(($2 - $1))" bs=65536 status=none
}

: >"$multi"
: >"$tmp/index"

# Stream 0: everything before the first page.
chunk 0 "$first" | bzip2 -9c >>"$multi"

# One stream per PAGES_PER_STREAM pages; pages are contiguous in the XML.
n=0
while read -r start end id title; do
    if [ $((n % PAGES_PER_STREAM)) -eq 0 ]; then
        if [ "$n" -gt 0 ]; then
            chunk "$sstart" "$send" | bzip2 -9c >>"$multi"
        fi
        sstart=$start
        offset=$(wc -c <"$multi")
    fi
    send=$end
    printf '%d:%s:%s\n' "$offset" "$id" "$title" >>"$tmp/index"
    n=$((n + 1))
done <"$tmp/pages"
chunk "$sstart" "$send" | bzip2 -9c >>"$multi"

# Last stream: everything after the last page.
chunk "$last" "$total" | bzip2 -9c >>"$multi"

bzip2 -9c <"$tmp/index" >"$index"
bzip2 -9c <"$xml" >"$single"

# Checks.
bzip2 -dc "$single" | cmp -s - "$xml" || { echo "gen.sh: $single does not round-trip" >&2; exit 1; }
bzip2 -dc "$multi" | cmp -s - "$xml" || { echo "gen.sh: $multi does not round-trip" >&2; exit 1; }
bzip2 -dc "$index" | cmp -s - "$tmp/index" || { echo "gen.sh: $index does not round-trip" >&2; exit 1; }
while IFS=: read -r offset _; do
    magic=$(dd if="$multi" iflag=skip_bytes,count_bytes skip="$offset" count=3 bs=3 status=none)
    if [ "$magic" != "BZh" ]; then
        echo "gen.sh: index offset $offset does not start a bzip2 stream" >&2
        exit 1
    fi
done <"$tmp/index"
nindex=$(wc -l <"$tmp/index")
if [ "$nindex" -ne "$npages" ]; then
    echo "gen.sh: index has $nindex lines for $npages pages" >&2
    exit 1
fi

streams=$(( (npages + PAGES_PER_STREAM - 1) / PAGES_PER_STREAM + 2 ))
echo "gen.sh: $npages pages, $streams streams, $(wc -c <"$multi") bytes multistream, $(wc -c <"$single") bytes single stream: ok"
