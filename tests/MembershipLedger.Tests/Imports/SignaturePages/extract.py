"""
Makes the signature-list fixtures from DiscussionTools' test cases (https://gerrit.wikimedia.org/g/mediawiki/extensions/DiscussionTools,
tests/cases): for each signed comment of a real discussion page, the signature exactly as the page's HTML holds it (the
DOM range DiscussionTools' parser marked as the signature, from the user link to the timestamp), with the author and
UTC instant DiscussionTools' own tests expect. Writes <name>.html (an ordered list, one signature an item, as an
"Interested in participating" list renders) and <name>.expected.tsv.

    python3 extract.py <DiscussionTools checkout> <output folder>
"""
import html, json, os, subprocess, sys
from html.parser import HTMLParser

BLOCKS = {'div', 'p', 'ul', 'ol', 'dl', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'blockquote', 'hr', 'center'}
VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr'}

class Node:
    def __init__(self, tag, attrs=None, parent=None, text=None):
        self.tag, self.attrs, self.parent, self.children, self.text = tag, attrs or [], parent, [], text

class Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node('#root'); self.cur = self.root
    def handle_starttag(self, tag, attrs):
        # The HTML5 rules a page's misnesting depends on: a block closes an open paragraph, an item the previous item.
        if tag in BLOCKS: self.close_in_scope('p')
        if tag == 'li': self.close_in_scope('li', ('ul', 'ol'))
        if tag in ('dd', 'dt'): self.close_in_scope(('dd', 'dt'), ('dl',))
        n = Node(tag, attrs, self.cur); self.cur.children.append(n)
        if tag not in VOID: self.cur = n
    def close_in_scope(self, tags, scope=('div', 'td', 'th', 'table', 'blockquote', 'li', 'dd', 'dt')):
        tags = (tags,) if isinstance(tags, str) else tags
        c = self.cur
        while c is not self.root and c.tag not in tags:
            if c.tag in scope: return
            c = c.parent
        if c is not self.root: self.cur = c.parent
    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))
    def handle_endtag(self, tag):
        c = self.cur
        while c is not self.root and c.tag != tag: c = c.parent
        if c is not self.root: self.cur = c.parent
    def handle_data(self, d):
        if self.cur.children and self.cur.children[-1].tag == '#text': self.cur.children[-1].text += d
        else: self.cur.children.append(Node('#text', None, self.cur, d))
    def handle_comment(self, d):
        self.cur.children.append(Node('#comment', None, self.cur, ''))

def events(node, out):
    """The tree as a stream: ('open', node), ('char', c, node, i), ('close', node); with each boundary's place in it."""
    for i, child in enumerate(node.children):
        child.start = len(out)
        if child.tag == '#text':
            for j, c in enumerate(child.text): out.append(('char', c))
        elif child.tag == '#comment':
            pass
        else:
            out.append(('open', child))
            if child.tag not in VOID:
                events(child, out)
                out.append(('close', child))
        child.end = len(out)
    node.inner_end = len(out)

def place(container, path):
    parts = [int(p) for p in path.split('/')]
    n = container
    for k, p in enumerate(parts):
        if n.tag == '#text':
            return n.start + p
        if k == len(parts) - 1:
            return n.children[p].start if p < len(n.children) else n.inner_end
        n = n.children[p]
    return n.start

def serialize(stream):
    out, open_ = [], []
    for e in stream:
        if e[0] == 'char': out.append(html.escape(e[1], quote=False))
        elif e[0] == 'open':
            attrs = ''.join(f' {k}="{html.escape(v or "", quote=True)}"' for k, v in e[1].attrs)
            out.append(f'<{e[1].tag}{attrs}>')
            if e[1].tag not in VOID: open_.append(e[1])
        elif e[0] == 'close':
            if e[1] in open_:
                while open_:
                    n = open_.pop(); out.append(f'</{n.tag}>')
                    if n is e[1]: break
    while open_: out.append(f'</{open_.pop().tag}>')
    return ''.join(out)

def comments(items, found):
    for c in items:
        if c['type'] == 'comment': found.append(c)
        comments(c.get('replies', []), found)

CASES = [
    ('pl-big-oldparser', 'pl-big'), ('fake-headings', 'fake-headings'), ('en-big-oldparser', 'en-big'),
    ('fr-unsigned-oldparser', 'fr-unsigned'), ('it-unsigned-oldparser', 'it-unsigned'), ('sr-cyrl', 'sr-cyrl'), ('sr-latn', 'sr-latn'),
    ('ar-nbsp-timezone-oldparser', 'ar-nbsp-timezone'), ('ar-no-paragraph-oldparser', 'ar-no-paragraph'), ('ckb-big-oldparser', 'ckb-big'),
    ('lrm-signature', 'lrm-signature'), ('fallback-encoding-link', 'fallback-encoding-link'),
]

def main(checkout, target):
    def show(path): return subprocess.run(['git', '-C', checkout, 'show', 'HEAD:' + path], capture_output=True, check=True).stdout.decode('utf-8', 'surrogateescape')
    for case, name in CASES:
        page = show(f'tests/cases/{case}/{case}.html')
        builder = Builder(); builder.feed(page); builder.close()
        # DiscussionTools reads the page inside MediaWiki's output wrapper when it has one.
        container = builder.root
        wrapper = [c for c in builder.root.children if ('class', 'mw-parser-output') in c.attrs]
        if wrapper: container = wrapper[0]
        stream = []; events(container, stream)
        found = []; comments(json.loads(show(f'tests/cases/{case}/{case}.json')), found)
        items, rows = [], []
        skipped = 0
        for c in found:
            # A comment signed twice is dated by its first signature (DiscussionTools' rule), so that one is taken.
            start, end = c['signatureRanges'][0]
            try:
                fragment = serialize(stream[place(container, start):place(container, end)]).replace('\n', ' ').strip()
            except IndexError:
                # Python's HTML parser builds a few misnested pages differently from the HTML5 parser DiscussionTools used.
                skipped += 1
                continue
            items.append(f'<li>{fragment}</li>')
            rows.append(f"{c['author']}\t{c['timestamp']}")
        with open(os.path.join(target, name + '.html'), 'w', encoding='utf-8', errors='surrogateescape') as f:
            f.write(f'<!-- The signatures of {case} (DiscussionTools tests/cases; CC BY-SA, see README.md), one an item. -->\n<ol>\n' + '\n'.join(items) + '\n</ol>\n')
        with open(os.path.join(target, name + '.expected.tsv'), 'w', encoding='utf-8') as f:
            f.write(f'# author\ttimestamp (UTC) of each signature in {name}.html, as DiscussionTools tests/cases/{case}/{case}.json expects them\n')
            f.write('\n'.join(rows) + '\n')
        print(name, len(items), 'skipped', skipped)

if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
