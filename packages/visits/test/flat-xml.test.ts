import { describe, expect, it } from 'vitest';
import { readXml, XmlSyntaxError } from '../src/xml130/flat-xml.js';
import { checkXml130 } from '../src/xml130/index.js';

const error = (text: string) => {
  try {
    readXml(text);
  } catch (e) {
    if (e instanceof XmlSyntaxError) return { message: e.message, line: e.line };
    throw e;
  }
  throw new Error('read without error');
};

describe('flat XML reader', () => {
  it('reads elements and text; attributes, declaration, comments and PIs are skipped', () => {
    const root = readXml(
      '<?xml version="1.0"?>\r\n<!-- c --><R a="1" b=\'x > y\'>\r\n  <F> a\r\nb </F><?pi x?><E/><E></E>\r\n</R>\r\n',
    );
    expect(root).toEqual({
      name: 'R',
      text: '',
      children: [
        { name: 'F', text: 'a\nb', children: [] },
        { name: 'E', text: '', children: [] },
        { name: 'E', text: '', children: [] },
      ],
    });
  });

  it('trims each run of text (a comment does not end one), keeps CDATA verbatim, decodes references', () => {
    expect(readXml('<F> a <!-- c --> b </F>').text).toBe('a  b');
    expect(readXml('<F> a <![CDATA[ <b> &amp; ]]> c </F>').text).toBe('a <b> &amp; c');
    expect(readXml('<F>&lt;&gt;&amp;&quot;&apos; &#65;&#x1F600;&#x1ec6;</F>').text).toBe('<>&"\' A😀Ệ');
    expect(readXml('<F>&#32;x</F>').text).toBe(' x');
  });

  it('refuses what is not well-formed, with the line', () => {
    expect(error('<A>\n<B>\n</A>')).toEqual({
      message: "Closing tag 'A' does not match 'B' (opened on line 2)",
      line: 3,
    });
    expect(error('<A>\n<B>')).toEqual({ message: "Unclosed tag 'B' (opened on line 2)", line: 2 });
    expect(error('<A/>\n</A>')).toMatchObject({ message: "Closing tag 'A' has no opening tag", line: 2 });
    expect(error('<A/>\ntext')).toEqual({ message: 'Text outside the root element', line: 2 });
    expect(error('x<A/>')).toMatchObject({ message: 'Text outside the root element' });
    expect(error('<A/><B/>')).toMatchObject({ message: "A second root element 'B'" });
    expect(error('<A>\n\n<1B/></A>')).toMatchObject({ line: 3 });
    expect(error('<A x=1/>')).toMatchObject({ message: "Tag 'A': the value of attribute 'x' is not quoted" });
    expect(error('<A><!-- x</A>')).toMatchObject({ message: 'Comment is not closed' });
    expect(error('<A><!--></A>')).toMatchObject({ message: 'Comment is not closed' });
    expect(error('<A><![CDATA[x</A>')).toMatchObject({ message: 'CDATA section is not closed' });
    expect(error('<A/><?xml version="1.0"?>')).toMatchObject({
      message: 'The XML declaration is allowed only at the start',
    });
    expect(error('<!DOCTYPE a [<!ENTITY e "eeee">]>\n<A>&e;</A>')).toEqual({
      message: 'DOCTYPE is not allowed',
      line: 1,
    });
    expect(error('   ')).toMatchObject({ message: 'No element' });
  });

  it('refuses an entity other than the predefined ones and references to characters XML does not allow', () => {
    for (const ref of [
      '&nbsp;',
      '&constructor;',
      '&#0;',
      '&#x1;',
      '&#xD800;',
      '&#xFFFE;',
      '&#x110000;',
      '&#99999999999;',
      '&#x;',
      '&#X41;',
      '& ',
    ])
      expect(error(`<A>\nok ${ref}</A>`), ref).toMatchObject({ line: 2 });
    expect(error('<A>&nbsp;</A>').message).toBe(
      "'&nbsp;' is neither a predefined entity nor a character XML allows",
    );
  });

  it('an element named like an Object.prototype member is an element like any other', () => {
    expect(
      readXml('<R><__proto__>1</__proto__><constructor>2</constructor></R>').children.map((c) => c.name),
    ).toEqual(['__proto__', 'constructor']);
  });

  it("XML 130 reports the reader's message with its line", () => {
    expect(checkXml130('<GIAMDINHHS>\n<THONGTINHOSO>\n</GIAMDINHHS>')[0]).toMatchObject({
      code: 'XML130_UNREADABLE',
      message:
        "Not well-formed XML: Closing tag 'GIAMDINHHS' does not match 'THONGTINHOSO' (opened on line 2) (line 3)",
    });
  });
});
