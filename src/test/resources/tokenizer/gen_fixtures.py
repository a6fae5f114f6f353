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
  tool_chat_expected.json - tool conversations rendered with tools=[the calculator's schema], as
                        transformers' apply_chat_template(messages, tools=...) does
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
    ("lstrip_tabs_and_comments", "a\n\t {# c #}\n\t{% if true %}\n\tb\n\t{% endif %}\n", {}),
    ("dash_var_at_line_start", "a\n    {{- 'b' }}\n    {{ 'c' -}}\n\n  d", {}),
    ("tag_markers_inside_strings", "{% set x = '%}' %}{{ x }}{{ '{{' }}{{ '}}' }}{{ \"{% raw %}\" }}", {}),
    ("multiline_tag", "{%- if\n  true\n  and not false\n-%}\n  yes\n{%- endif %}", {}),
    ("loop_prev_next_cycle", "{% for x in [1, 2, 3] %}{{ loop.previtem is defined }}{{ loop.nextitem|default('-') }}{{ loop.cycle('a', 'b') }}{{ loop.revindex0 }} {% endfor %}", {}),
    ("loop_filter_with_dict_items", "{% for k, v in d.items() if v %}{{ loop.index }}{{ k }}{% endfor %}", {"d": {"a": 0, "b": 1, "c": 2}}),
    ("outer_loop_via_set", "{% for a in 'xy' %}{% set outer = loop %}{% for b in 'pq' %}{{ outer.index }}{{ loop.index }}{% endfor %};{% endfor %}", {}),
    ("undefined_loop_iterable_is_empty", "{% for x in nope %}{{ x }}{% else %}none{% endfor %}", {}),
    ("undefined_nested_attr_fails", "{% if nope.x %}y{% endif %}", {}),
    ("missing_key_then_attr_fails", "{{ m.a.b }}", {"m": {}}),
    ("missing_key_is_defined_test", "{{ m.a is defined }}{{ m['a'] is undefined }}{{ m.a|default('z') }}", {"m": {}}),
    ("in_none_fails", "{{ 'a' in none }}", {}),
    ("compare_str_int_fails", "{{ 'a' < 1 }}", {}),
    ("equality_mixed", "{{ 1 == True }}{{ '1' == 1 }}{{ [1, 2] == [1, 2] }}{{ (1, 2) == [1, 2] }}{{ none == none }}{{ nope == nope2 }}{{ {'a': 1} == {'a': 1} }}", {}),
    ("none_concat", "{{ none ~ 'x' }}{{ [1] ~ 'x' }}{{ 'x' ~ {'a': 1} }}", {}),
    ("set_unpack", "{% set a, b = [1, 'two'] %}{{ b }}{{ a }}", {}),
    ("slices_edges", "{{ xs[-1:0:-1] }}{{ xs[5:] }}{{ 'abc'[10:] }}{{ xs[-100:2] }}{{ xs[::-2] }}{{ 'héllo😀'[::-1] }}{{ 'héllo😀'[-1] }}{{ 'héllo😀'|length }}", {"xs": [1, 2, 3, 4]}),
    ("range_forms", "{{ range(5)|list }}{{ range(1, 10, 3)|list }}{{ range(5, 0, -2)|list }}", {}),
    ("default_of_none_keeps_none", "{{ none|default('d') }}{{ none|default('d', true) }}{{ false|default('d') }}{{ 0|d('z', true) }}", {}),
    ("dict_global_and_items", "{{ dict(a=1, b='x') }}{{ {'a': 1}.items()|list }}{{ {'k': [1]}|items|list }}", {}),
    ("first_last_of_string_and_dict", "{{ 'abc'|first }}{{ 'abc'|last }}{{ {'a': 1, 'b': 2}|first }}{{ {'a': 1}|length }}", {}),
    ("join_attribute", "{{ xs|join(', ', attribute='n') }}|{{ xs|map(attribute='n')|join('-') }}", {"xs": [{"n": 1}, {"n": "b"}]}),
    ("numbers_printing", "{{ 10 / 4 }} {{ 2 ** -1 }} {{ 0.1 * 3 }} {{ 1e16 }} {{ 123456789.0 * 1000 }} {{ 1 / 3 }} {{ 1e-5 }} {{ 0.0001 }} {{ -0.0 }} {{ 5.5 // 2 }} {{ -5.5 % 2 }} {{ 2.0 * 3 }} {{ 7 // -2 }}", {}),
    ("int_float_filters", "{{ 3|float }} {{ '3.7'|int }} {{ 'x'|int }} {{ 3.9|int }} {{ ' 12 '|int }} {{ 'x'|float }} {{ '1e3'|float }} {{ true|int }}", {}),
    ("indent_first", "{{ 'l1\nl2\n\nl3'|indent(4, true) }}|{{ 'a\nb'|indent }}", {}),
    ("tojson_variants", "{{ d|tojson(sort_keys=true) }}|{{ [1e-7, 10000000000000000.0, 3, 'ü😀', (1, 2)]|tojson }}|{{ 'a\u0001b\x7f'|tojson }}|{{ d|tojson(indent='\t') }}|{{ {}|tojson(indent=2) }}|{{ [[]]|tojson(indent=2) }}|{{ 'é'|tojson(true) }}", {"d": {"b": 1, "a": [True, None]}}),
    ("repr_quotes", "{{ ['a\\'b\"c', 'back\\\\slash', 'nl\\n', 'tab\\t', 'é😀', '\\x01'] }}", {}),
    ("string_repeat_and_list_mul", "{{ '-' * 3 }}{{ [0] * 2 }}{{ 2 * 'ab' }}", {}),
    ("string_methods_more", "{{ 'a b  c'.split(' ') }}{{ '  x  y '.split() }}{{ 'a\\nb\\r\\nc\\n'.splitlines() }}{{ 'abcabc'.count('bc') }}{{ 'abc'.index('c') }}{{ 'x'.isdigit() }}{{ '12'.isdigit() }}{{ 'Hello'.capitalize() }}{{ 'aXbXc'.split('X', 1) }}{{ ' a '.rstrip() }}|{{ 'abc'.rfind('x') }}{{ '{0}-{1}-{0}'.format('a', 'b') }}{{ '{x}!'.format(x=1) }}", {}),
    ("string_strip_chars_set", "{{ '<<a>>'.strip('<>') }}{{ 'xyaxy'.lstrip('yx') }}{{ '\\n\\t a \\n'.strip() }}{{ 'aaa'.strip('a') }}|", {}),
    ("startswith_tuple_and_endswith", "{{ 'hello'.startswith(('he', 'x')) }}{{ 'hello'.endswith(('x', 'y')) }}{{ ''.startswith('') }}", {}),
    ("filters_chain_and_args", "{{ ' A,b '|trim|lower|replace(',', ';')|upper }}{{ [3, 1, 2]|sort(reverse=true)|join }}{{ ['b', 'A', 'c']|sort|join }}{{ ['b', 'A', 'c']|sort(case_sensitive=true)|join }}{{ [{'n': 2}, {'n': 1}]|sort(attribute='n')|map(attribute='n')|join }}", {}),
    ("select_reject_tests", "{{ [1, 2, 3, 4]|select('even')|list }}{{ [1, 2, 3, 4]|reject('odd')|list }}{{ [none, 1, 0, 'a']|select|list }}{{ [1, 2, 3]|select('gt', 1)|list }}{{ [{'r': 'user'}, {'r': 'tool'}]|selectattr('r', 'eq', 'tool')|list|length }}{{ [{'a': 1}, {'b': 2}]|selectattr('a', 'defined')|list }}", {}),
    ("is_tests_more", "{{ none is none }}{{ 1 is integer }}{{ 1.0 is float }}{{ true is boolean }}{{ true is number }}{{ 'a' is lower }}{{ 'A' is upper }}{{ 3 is ge 3 }}{{ 3 is lt(4) }}{{ [] is sequence }}{{ {} is iterable }}{{ 1 is iterable }}{{ range is callable }}{{ 1 is sameas 1 }}{{ 5 is not divisibleby(2) }}", {}),
    ("macro_recursion_and_defaults", "{% set g = 'G' %}{% macro f(n, sep=g) %}{% if n > 0 %}{{ n }}{{ sep }}{{ f(n - 1, sep) }}{% endif %}{% endmacro %}{{ f(3) }}|{{ f(2, '.') }}", {}),
    ("macro_whitespace", "{% macro m(x) %}\n  [{{ x }}]\n{% endmacro %}\n{{ m(1) }}{{ m(2) }}", {}),
    ("empty_bodies", "{% if x %}{% elif y %}{% else %}{% endif %}{% for a in [1] %}{% endfor %}ok", {}),
    ("ternary_nested_and_without_else", "{{ 'a' if x == 1 else 'b' if x == 2 else 'c' }}{{ 'q' ~ ('b' if false) ~ 'r' }}", {"x": 2}),
    ("and_or_values", "{{ 0 and 1 }}{{ '' or 'e' }}{{ 1 and 2 }}{{ none or false }}{{ [] or {} }}{{ not none }}{{ not [] and not '' }}", {}),
    ("chained_and_in_compare", "{{ 1 < 2 > 1.5 }}{{ 3 > 2 == true }}{{ 'a' in 'abc' in 'xabcx' }}{{ 2 not in [1] and 1 in [1] }}", {}),
    ("whitespace_between_blocks", "{% for i in [1, 2] %}\n  {% if i == 1 %}\n    one\n  {% else %}\n    other\n  {% endif %}\n{% endfor %}\n", {}),
    ("break_in_nested_if_only_breaks_inner", "{% for a in [1, 2] %}{% for b in [1, 2, 3] %}{% if b == 2 %}{% break %}{% endif %}{{ a }}{{ b }} {% endfor %}{% endfor %}", {}),
    ("mistral_like", "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}", {"bos_token": "<s>", "eos_token": "</s>", "messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}, {"role": "user", "content": "c"}]}),
    ("mistral_like_error", "{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate') }}{% endif %}{% endfor %}", {"messages": [{"role": "assistant", "content": "b"}]}),
    ("content_list_parts", "{% for m in messages %}{% if m.content is string %}{{ m.content }}{% else %}{% for part in m.content %}{% if part.type == 'text' %}{{ part.text }}{% endif %}{% endfor %}{% endif %}|{% endfor %}", {"messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}, {"type": "image"}, {"type": "text", "text": " there"}]}, {"role": "assistant", "content": "yo"}]}),
    ("raise_exception", "{% if true %}{{ raise_exception('Roles must alternate') }}{% endif %}", {}),
    ("undefined_attribute_fails", "{{ nope.attr }}", {}),
    ("str_plus_int_fails", "{{ 'a' + 1 }}", {}),
    ("unknown_filter_fails", "{{ 1|nosuchfilter }}", {}),
    ("unclosed_if_fails", "{% if true %}x", {}),
]


# The calculator tool's schema exactly as grpo4j's Calculator.schema() builds it (key order included:
# tojson keeps it).
CALCULATOR = {"type": "function", "function": {
    "name": "calculator",
    "description": "Evaluates an arithmetic expression exactly (+, -, *, /, parentheses) and returns the result "
                   "as an integer or a fraction.",
    "parameters": {"type": "object",
                   "properties": {"expression": {"type": "string", "description": "the expression, e.g. 1234*5678"}},
                   "required": ["expression"]}}}

# The stand-in conversation grpo4j renders to find the text between a model turn and the next one.
MARKER = "\u2063grpo4j-turn\u2063"

TOOL_CONVERSATIONS = {
    "tool_episode": [
        {"role": "system", "content": "Use the calculator."},
        {"role": "user", "content": "What is 123*456?"},
        {"role": "assistant", "content": "", "tool_calls": [
            {"type": "function", "function": {"name": "calculator", "arguments": {"expression": "123*456"}}}]},
        {"role": "tool", "name": "calculator", "content": "56088"},
        {"role": "assistant", "content": "56088"},
    ],
    "user_only": [{"role": "user", "content": "What is 123*456?"}],
    "stand_in_one_result": [
        {"role": "user", "content": "?"},
        {"role": "assistant", "content": MARKER},
        {"role": "tool", "name": "calculator", "content": "56088"},
    ],
    "stand_in_two_results": [
        {"role": "user", "content": "?"},
        {"role": "assistant", "content": MARKER},
        {"role": "tool", "name": "calculator", "content": "56088"},
        {"role": "tool", "content": "error: unknown tool 'search'; available: calculator"},
    ],
}


def render_tools():
    e = env()
    result = {}
    for name in ("qwen3", "llama3"):
        tokens = TEMPLATES[name]
        t = e.from_string(open(os.path.join(HERE, "templates", name + ".jinja"), encoding="utf-8").read())
        per = {}
        for conv_name, msgs in TOOL_CONVERSATIONS.items():
            for gen in (True, False):
                key = conv_name + ("+gen" if gen else "")
                try:
                    per[key] = {"output": t.render(messages=msgs, tools=[CALCULATOR], documents=None,
                                                   add_generation_prompt=gen, **tokens)}
                except Exception as ex:
                    per[key] = {"error": str(ex)}
        result[name] = {"special_tokens": tokens, "cases": per}
    return {"tools": [CALCULATOR], "conversations": TOOL_CONVERSATIONS, "templates": result}


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
    with open(os.path.join(HERE, "tool_chat_expected.json"), "w", encoding="utf-8") as f:
        json.dump(render_tools(), f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("jinja2", jinja2.__version__)
