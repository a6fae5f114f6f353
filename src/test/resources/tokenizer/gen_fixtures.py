#!/usr/bin/env python3
"""Writes the expected outputs the Java chat-template tests compare against, byte for byte.

Run once (needs only jinja2, 3.1.x was used):  python3 gen_fixtures.py
It renders with the same environment transformers' apply_chat_template builds
(transformers/utils/chat_template_utils.py): ImmutableSandboxedEnvironment with
trim_blocks=True, lstrip_blocks=True, the loopcontrols extension, its own tojson
(json.dumps, ensure_ascii=False) and the raise_exception / strftime_now globals, and the
variables messages, tools=None, documents=None, add_generation_prompt and the special tokens.

Outputs (beside this script):
  chat_expected.json  - real templates (templates/*.jinja) x conversations x add_generation_prompt
  jinja_cases.json    - small templates exercising the interpreter, with expected output or error
"""
import json
import os
from datetime import datetime

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def env():
    e = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    e.filters["tojson"] = tojson
    e.globals["raise_exception"] = raise_exception
    e.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    return e


# Special tokens each real template is rendered with (from its tokenizer_config.json).
TEMPLATES = {
    "qwen3": {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"},
    "llama3": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
    "deepseek_v3": {"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>",
                    "pad_token": "<｜end▁of▁sentence｜>"},
    "gemma3": {"bos_token": "<bos>", "eos_token": "<end_of_turn>", "pad_token": "<pad>", "unk_token": "<unk>"},
}

CONVERSATIONS = {
    "user_only": [{"role": "user", "content": "Hi"}],
    "system_user": [{"role": "system", "content": "You are helpful."}, {"role": "user", "content": "Hi"}],
    "multi_turn": [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "What is 2+2?"},
        {"role": "assistant", "content": "4"},
        {"role": "user", "content": "And 3+3?"},
    ],
    "multi_turn_thinking": [
        {"role": "user", "content": "What is 2+2?"},
        {"role": "assistant", "content": "<think>\nAdd two and two.\n</think>\n\n4"},
        {"role": "user", "content": "  And 3+3?\n"},
        {"role": "assistant", "content": "<think>\nThree and three.\n</think>\n\nSix."},
    ],
    "last_assistant": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Name a prime."},
        {"role": "assistant", "content": "7"},
    ],
    "thinking_then_user": [
        {"role": "user", "content": "What is 2+2?"},
        {"role": "assistant", "content": "<think>\nAdd two and two.\n</think>\n\n4"},
        {"role": "user", "content": "Thanks"},
    ],
    "tool_round_trip": [
        {"role": "user", "content": "Compute 2+2."},
        {"role": "assistant", "content": "", "tool_calls": [
            {"type": "function", "function": {"name": "calc", "arguments": {"expr": "2+2", "exact": True}}}]},
        {"role": "tool", "content": "4"},
        {"role": "tool", "content": "ok"},
    ],
    "not_alternating": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}],
    "unicode_and_quotes": [
        {"role": "user", "content": "Say \"héllo\" — ünïcödé 😀\n\twith tab"},
    ],
}


def render_real():
    e = env()
    result = {}
    for name, tokens in TEMPLATES.items():
        src = open(os.path.join(HERE, "templates", name + ".jinja"), encoding="utf-8").read()
        t = e.from_string(src)
        per = {}
        for conv_name, msgs in CONVERSATIONS.items():
            for gen in (True, False):
                key = conv_name + ("+gen" if gen else "")
                try:
                    per[key] = {"output": t.render(messages=msgs, tools=None, documents=None,
                                                   add_generation_prompt=gen, **tokens)}
                except Exception as ex:  # e.g. gemma3 refuses non-alternating roles
                    per[key] = {"error": str(ex)}
        result[name] = {"special_tokens": tokens, "cases": per}
    return {"conversations": CONVERSATIONS, "templates": result}


# Small templates: (name, template, context)
CASES = [
    ("text_only", "hello\nworld\n", {}),
    ("trailing_newline_kept_once", "a\n\n", {}),
    ("var", "{{ x }}", {"x": "v"}),
    ("undefined_prints_empty", "[{{ nope }}]", {}),
    ("none_prints_None", "{{ x }}", {"x": None}),
    ("bools_print_python", "{{ true }} {{ false }} {{ True }}", {}),
    ("ints_and_floats", "{{ 1 + 2 }} {{ 7 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 1.5 * 2 }} {{ 4 / 2 }}", {}),
    ("string_concat_tilde", "{{ 'a' ~ 1 ~ none ~ nope }}", {}),
    ("string_escapes", "{{ 'a\\nb\\t\\'q\\' \\u00e9 \\\\' }}|{{ \"d\\\"q\" }}", {}),
    ("adjacent_strings", "{{ 'a' 'b' }}", {}),
    ("trim_blocks", "{% if true %}\nyes\n{% endif %}\nend", {}),
    ("lstrip_blocks", "    {% if true %}\n    yes\n    {% endif %}\nend", {}),
    ("lstrip_not_for_vars", "  {{ 'v' }}\n", {}),
    ("lstrip_only_when_line_is_blank", "a {% if true %}b{% endif %}", {}),
    ("dash_strips_both_sides", "a  \n  {%- if true -%}  \n  b  {%- endif -%}\n  c", {}),
    ("dash_on_vars", "a   {{- 'b' -}}   c", {}),
    ("plus_disables_lstrip", "  {%+ if true %}x{% endif %}", {}),
    ("comment", "a {# c #}b\n  {# line #}\nc {#- x -#} d", {}),
    ("for_loop_vars", "{% for x in xs %}{{ loop.index0 }}{{ loop.index }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }}:{{ x }};{% endfor %}", {"xs": ["a", "b", "c"]}),
    ("for_else", "{% for x in xs %}{{ x }}{% else %}empty{% endfor %}", {"xs": []}),
    ("for_filter", "{% for x in xs if x > 1 %}{{ loop.index }}{{ x }}{{ loop.last }},{% endfor %}", {"xs": [1, 2, 3]}),
    ("for_unpack_items", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", {"d": {"a": 1, "b": 2}}),
    ("for_dict_iterates_keys", "{% for k in d %}{{ k }}{% endfor %}", {"d": {"a": 1, "b": 2}}),
    ("for_string_chars", "{% for c in 'abc' %}{{ c }}-{% endfor %}", {}),
    ("for_scope_does_not_leak", "{% set x = 1 %}{% for i in [1,2] %}{% set x = x + i %}{{ x }}{% endfor %}{{ x }}", {}),
    ("if_scope_leaks", "{% if true %}{% set x = 5 %}{% endif %}{{ x }}", {}),
    ("namespace", "{% set ns = namespace(n=0, s='', last=xs|length - 1) %}{% for x in xs %}{% set ns.n = ns.n + x %}{% endfor %}{{ ns.n }} {{ ns.last }}", {"xs": [1, 2, 3]}),
    ("loop_controls", "{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x > 4 %}{% break %}{% endif %}{{ x }}{% endfor %}", {}),
    ("nested_loops", "{% for a in [1,2] %}{% for b in 'xy' %}{{ loop.index }}{{ a }}{{ b }} {% endfor %}{{ loop.index }}|{% endfor %}", {}),
    ("elif_else", "{% for x in [1,2,3] %}{% if x == 1 %}one{% elif x == 2 %}two{% else %}many{% endif %} {% endfor %}", {}),
    ("ternary", "{{ 'y' if x else 'n' }}{{ 'y' if not x else 'n' }}[{{ 'only' if false }}]", {"x": 1}),
    ("slices", "{{ xs[::-1] }} {{ xs[1:] }} {{ xs[:-1] }} {{ xs[-1] }} {{ xs[::2] }} {{ s[::-1] }} {{ s[1:3] }} {{ s[-2:] }}", {"xs": [1, 2, 3, 4], "s": "hello"}),
    ("index_out_of_range_is_undefined", "[{{ xs[10] }}]{{ xs[10] is defined }}", {"xs": [1]}),
    ("attr_and_item", "{{ m.role }} {{ m['content'] }} {{ m.missing is defined }} {{ m.get('role') }} {{ m.get('x', 'dflt') }} {{ m.get('x') }}", {"m": {"role": "user", "content": "c"}}),
    ("dict_methods", "{{ d.keys()|list }} {{ d.values()|list }} {{ d.items()|list }}", {"d": {"a": 1, "b": [2]}}),
    ("tests", "{{ x is defined }}{{ y is defined }}{{ y is undefined }}{{ n is none }}{{ n is not none }}{{ s is string }}{{ d is mapping }}{{ xs is iterable }}{{ s is iterable }}{{ 3 is number }}{{ xs is sequence }}{{ f is false }}{{ f is true }}{{ 3 is odd }}{{ 4 is even }}{{ 9 is divisibleby 3 }}{{ 2 is in [1, 2] }}", {"x": 1, "n": None, "s": "s", "d": {}, "xs": [1], "f": False}),
    ("operators", "{{ 1 < 2 }}{{ 2 <= 1 }}{{ 1 == 1.0 }}{{ 'a' != 'b' }}{{ 'b' > 'a' }}{{ 'ell' in 'hello' }}{{ 3 not in [1, 2] }}{{ 'k' in {'k': 1} }}{{ 1 < 2 < 3 }}{{ not 1 }}{{ 1 and 'x' }}{{ 0 or 'y' }}{{ none or [] }}", {}),
    ("precedence", "{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ -2 ** 2 }} {{ xs|length - 1 }} {{ 2 * 3 ~ 4 }} {{ not x is defined }}", {"xs": [1, 2, 3]}),
    ("filters_basic", "{{ '  a b  '|trim }}|{{ 'Ab'|upper }}{{ 'Ab'|lower }}|{{ xs|length }}{{ 'abc'|length }}|{{ xs|first }}{{ xs|last }}|{{ xs|join(', ') }}|{{ 'aXbX'|replace('X', '-') }}|{{ '12'|int + 1 }}|{{ 3|string ~ 'x' }}|{{ nope|default('d') }}|{{ ''|default('e', true) }}|{{ none|default('f') }}|{{ 'x'|safe }}", {"xs": [1, 2, 3]}),
    ("filters_more", "{{ xs|map(attribute='n')|list }} {{ xs|selectattr('n', 'equalto', 2)|list }} {{ xs|rejectattr('n', 'equalto', 2)|map(attribute='n')|join }} {{ [3,1,2]|sort }} {{ [1,2,2]|unique|list }} {{ [1,2]|reverse|list }} {{ 'abc'|capitalize }} {{ 'a b'|title }} {{ [1,2,3]|sum }} {{ [1,5,3]|max }} {{ 2.567|round(2) }} {{ -3|abs }} {{ {'b':1,'a':2}|dictsort }} {{ 'a\nb'|indent(2) }} {{ [1,2,3]|select('odd')|list }} {{ ['a','b']|map('upper')|list }} {{ 'x'|count }}", {"xs": [{"n": 1}, {"n": 2}]}),
    ("tojson", "{{ d|tojson }}|{{ d|tojson(indent=2) }}|{{ 'é\"\\n'|tojson }}|{{ [1, 2.5, none, true]|tojson }}|{{ {'a': {}}|tojson(separators=(',', ':')) }}", {"d": {"name": "f", "args": {"x": [1, "two"], "ü": None}}}),
    ("python_repr", "{{ xs }} {{ d }} {{ [\"it's\", 'q\"'] }} {{ (1, 2) }} {{ 1.0 }} {{ 0.1 + 0.2 }} {{ 1e20 }}", {"xs": ["a", 1, None, True], "d": {"k": "v", "n": 1.5}}),
    ("string_methods", "{{ s.startswith('<t') }}{{ s.endswith('>') }}{{ s.startswith(('x', '<')) }}|{{ '\\n\\nab\\n'.strip('\\n') }}|{{ '  ab  '.lstrip() }}|{{ 'xxab'.lstrip('x') }}|{{ 'abyy'.rstrip('y') }}|{{ 'a</t>b</t>c'.split('</t>') }}|{{ 'a  b'.split() }}|{{ 'a,b,'.split(',') }}|{{ 'a,b,c'.split(',', 1) }}|{{ 'Ab'.upper() }}{{ 'Ab'.lower() }}|{{ 'aaa'.replace('a', 'b', 2) }}|{{ '{} and {}'.format(1, 'x') }}|{{ 'abc'.find('c') }}|{{ '-'.join(['a', 'b']) }}|{{ 'hello world'.title() }}|{{ 'a,b'.rsplit(',', 1) }}", {"s": "<t>x</t>"}),
    ("set_block", "{% set x %}a{{ 1 }}b{% endset %}[{{ x }}]", {}),
    ("macro", "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('A') }} {{ greet('B', punct='?') }}", {}),
    ("list_and_dict_literals", "{{ [1, 'a', [2]] }} {{ {'a': 1, 'b': [1, 2]} }} {{ {'a': 1}['a'] }} {{ [1,2] + [3] }} {{ 'ab' * 2 }}", {}),
    ("whitespace_realistic", "{%- for m in messages %}\n    {{- '<|' + m.role + '|>\\n' + m.content }}\n    {%- if not loop.last %}\n        {{- '\\n' }}\n    {%- endif %}\n{%- endfor %}\n{%- if add_generation_prompt %}\n    {{- '<|assistant|>' }}\n{%- endif %}\n", {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}], "add_generation_prompt": True}),
    ("crlf_normalised", "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\n", {}),
    ("raise_exception", "{% if true %}{{ raise_exception('Roles must alternate') }}{% endif %}", {}),
    ("undefined_attribute_fails", "{{ nope.attr }}", {}),
    ("str_plus_int_fails", "{{ 'a' + 1 }}", {}),
    ("unknown_filter_fails", "{{ 1|nosuchfilter }}", {}),
    ("unclosed_if_fails", "{% if true %}x", {}),
]


def render_cases():
    e = env()
    out = []
    for name, src, ctx in CASES:
        case = {"name": name, "template": src, "context": ctx}
        try:
            case["expected"] = e.from_string(src).render(**ctx)
        except Exception as ex:
            case["error"] = type(ex).__name__ + ": " + str(ex)
        out.append(case)
    return out


if __name__ == "__main__":
    with open(os.path.join(HERE, "chat_expected.json"), "w", encoding="utf-8") as f:
        json.dump(render_real(), f, ensure_ascii=False, indent=1)
        f.write("\n")
    with open(os.path.join(HERE, "jinja_cases.json"), "w", encoding="utf-8") as f:
        json.dump(render_cases(), f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("jinja2", jinja2.__version__)
