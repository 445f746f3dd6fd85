-- qgen subject catalogue: the subjects the service writes questions for, the other names people use for
-- them, the route that serves each one, and its topics (chapters) with a short description each.
--   * A request is stored under the canonical subject: 'Maths', 'math', ' MATHEMATICS ' become 'Mathematics'
--     (the trigger qgen_requests_catalogue). A request naming a subject that is not in the catalogue is
--     kept and rejected with a message that names the catalogue, unless an operator opens the catalogue
--     (qgen_settings open_subjects = true); then it is stored as written and routed by QGEN_ROUTES's '*'.
--   * A topic written as a catalogue chapter in another case takes the chapter's spelling.
--   * Rows written before this migration are mapped to the canonical subject (requests, questions with
--     their dedupe scope, rejects, disputes).
--   * Web-app users may read the catalogue; only operators (table owner, service_role) change it.
--
-- Seed: the chapter (unit) names of the public syllabi, with a description of each unit's contents in
-- our own words, which the worker's on-topic check (service/topic.py) compares questions against:
--   Mathematics, Physics, Chemistry: National Testing Agency, "Syllabus for JEE (Main) 2024, Paper 1
--     (B.E./B.Tech.)", JEE (Main) 2024 Information Bulletin, jeemain.nta.ac.in (the 2024 revision:
--     14 mathematics units, 20 physics units, 20 chemistry units).
--   Biology: National Medical Commission, "NEET (UG) 2024 syllabus", published by NTA at
--     exams.nta.ac.in/NEET (10 units: Class XI units I-V, Class XII units VI-X).
-- Idempotent; plain PostgreSQL 15-18 and Supabase.

------------------------------------------------------------------------------------------------
-- The catalogue.
------------------------------------------------------------------------------------------------
create table if not exists qgen_subjects (
    subject text primary key,
    route text check (route in ('runpod', 'gemini')),
    description text not null,
    source text,
    constraint qgen_subjects_name_check check (subject = btrim(subject) and subject <> '' and char_length(subject) <= 100)
);
create unique index if not exists qgen_subjects_key on qgen_subjects (lower(subject));

create table if not exists qgen_subject_aliases (
    alias text primary key,
    subject text not null references qgen_subjects (subject) on update cascade on delete cascade,
    -- stored the way lookups compare: lower case, single spaces
    constraint qgen_subject_aliases_key_check check (alias = lower(regexp_replace(btrim(alias), '\s+', ' ', 'g')) and alias <> '')
);
create index if not exists qgen_subject_aliases_subject_idx on qgen_subject_aliases (subject);

create table if not exists qgen_topics (
    subject text not null references qgen_subjects (subject) on update cascade on delete cascade,
    topic text not null,
    position integer not null default 0,
    description text not null,
    primary key (subject, topic),
    constraint qgen_topics_name_check check (topic = btrim(topic) and topic <> '' and char_length(topic) <= 500)
);
create unique index if not exists qgen_topics_key on qgen_topics (subject, lower(topic));

insert into qgen_settings (key, value, description) values
    ('open_subjects', 'false',
     'true: requests may name subjects that are not in qgen_subjects (stored as written, routed by QGEN_ROUTES''s * rule); '
     'false: such requests are rejected')
on conflict (key) do nothing;

------------------------------------------------------------------------------------------------
-- Lookups.
------------------------------------------------------------------------------------------------
-- How subject names are compared: lower case, surrounding spaces dropped, inner runs of spaces made one.
create or replace function qgen_subject_key(p_name text) returns text
language sql immutable set search_path = public, extensions as $$
    select lower(regexp_replace(btrim(p_name), '\s+', ' ', 'g'))
$$;

-- The catalogue's name for a subject written any way it knows (its own name or an alias), or null.
create or replace function qgen_canonical_subject(p_name text) returns text
language sql stable set search_path = public, extensions as $$
    select coalesce(
        (select s.subject from qgen_subjects s where lower(s.subject) = qgen_subject_key(p_name)),
        (select a.subject from qgen_subject_aliases a where a.alias = qgen_subject_key(p_name)))
$$;

------------------------------------------------------------------------------------------------
-- Requests: canonical subject, or rejected. A BEFORE INSERT trigger named to fire after
-- qgen_requests_before_insert (which normalises and validates) and before qgen_requests_quota
-- (triggers of one kind fire in name order), so an unknown subject never counts against a quota.
------------------------------------------------------------------------------------------------
create or replace function qgen_requests_catalogue() returns trigger
language plpgsql security definer set search_path = public, extensions as $$
declare
    canonical text;
    chapter text;
    known text;
begin
    if new.subject is null then
        return new;
    end if;
    canonical := qgen_canonical_subject(new.subject);
    if canonical is not null then
        new.subject := canonical;
        select t.topic into chapter from qgen_topics t where t.subject = canonical and lower(t.topic) = lower(new.topic);
        if chapter is not null then
            new.topic := chapter;
        end if;
        return new;
    end if;
    -- Only a request that is otherwise valid is judged here: a rejected one already says what is wrong.
    if new.status is distinct from 'queued' then
        return new;
    end if;
    if coalesce((select lower(btrim(value)) in ('true', 't', 'yes', 'on', '1')
                   from qgen_settings where key = 'open_subjects'), false) then
        return new;
    end if;
    select string_agg(s.subject, ', ' order by s.subject) into known from qgen_subjects s;
    new.status := 'rejected';
    new.error := format(
        'rejected: unknown subject %s: not in qgen_subjects (known: %s). Ask an operator to add it (or an alias) to '
        'qgen_subjects, or to open the catalogue: update qgen_settings set value = ''true'' where key = ''open_subjects''',
        left(quote_literal(new.subject), 110), coalesce(known, 'none'));
    new.finished_at := now();
    return new;
end
$$;

drop trigger if exists qgen_requests_catalogue on question_requests;
create trigger qgen_requests_catalogue before insert on question_requests
    for each row execute function qgen_requests_catalogue();

------------------------------------------------------------------------------------------------
-- Row Level Security: users read the catalogue, operators change it.
------------------------------------------------------------------------------------------------
do $$
declare
    t text;
begin
    foreach t in array array['qgen_subjects', 'qgen_subject_aliases', 'qgen_topics'] loop
        execute format('alter table %I enable row level security', t);
        execute format('revoke all on table %I from public, anon, authenticated', t);
        execute format('grant all on table %I to service_role', t);
        execute format('grant select on table %I to authenticated', t);
        execute format('drop policy if exists %I on %I', t || '_read', t);
        execute format('create policy %I on %I for select to authenticated using (true)', t || '_read', t);
    end loop;
end
$$;

-- Like every qgen_ function (20261129000200_security.sql): not callable by users through PostgREST.
revoke all on function qgen_subject_key(text) from public, anon, authenticated;
revoke all on function qgen_canonical_subject(text) from public, anon, authenticated;
revoke all on function qgen_requests_catalogue() from public, anon, authenticated;
grant execute on function qgen_subject_key(text), qgen_canonical_subject(text), qgen_requests_catalogue() to service_role;

comment on table qgen_subjects is
    'The subject catalogue: requests are stored under these names (aliases are mapped by a trigger); a subject '
    'outside it is rejected unless qgen_settings open_subjects is true. Users read it; operators change it.';
comment on column qgen_subjects.route is
    'Who generates this subject (runpod or gemini) unless QGEN_ROUTES names it; null: QGEN_ROUTES''s * rule.';
comment on column qgen_subjects.description is 'What the subject covers, in a line.';
comment on column qgen_subjects.source is 'Where its topics come from (the public syllabus).';
comment on table qgen_subject_aliases is
    'Other names of a catalogue subject (lower case, single spaces): a request naming one is stored under the subject.';
comment on table qgen_topics is
    'The chapters of each subject, in syllabus order. The description is what the worker''s on-topic check compares '
    'questions with, and what analyst/coverage_gaps.sql matches bank topics against.';

comment on column question_rejects.reason is
    'Why it was refused: exact_duplicate, near_duplicate, batch_duplicate (a duplicate of a bank row or of an '
    'earlier item of its batch), variant (only its numbers differ from matched_question_id, the original, and '
    'QGEN_VARIANT_POLICY refused it), slot_filled (its slot was stored by an earlier run of the job), off_topic '
    '(not about the request''s subject: closer to another catalogue subject; similarity holds the margin).';

------------------------------------------------------------------------------------------------
-- Seed (operators may add to it and change it; a rerun adds only what is missing).
------------------------------------------------------------------------------------------------
insert into qgen_subjects (subject, route, description, source) values
    ('Mathematics', 'runpod', 'JEE Main mathematics: algebra, calculus, coordinate and vector geometry, trigonometry, statistics and probability.',
     'NTA, Syllabus for JEE (Main) 2024, Paper 1, Mathematics'),
    ('Physics', 'runpod', 'JEE Main and NEET physics: mechanics, heat, waves, electricity and magnetism, optics, modern physics.',
     'NTA, Syllabus for JEE (Main) 2024, Paper 1, Physics'),
    ('Chemistry', 'gemini', 'JEE Main and NEET chemistry: physical, inorganic and organic chemistry.',
     'NTA, Syllabus for JEE (Main) 2024, Paper 1, Chemistry'),
    ('Biology', 'gemini', 'NEET biology (botany and zoology): diversity of life, cells, plant and human physiology, reproduction, genetics, ecology.',
     'NMC, NEET (UG) 2024 syllabus, Biology')
on conflict do nothing;

insert into qgen_subject_aliases (alias, subject) values
    ('math', 'Mathematics'), ('maths', 'Mathematics'), ('mathematic', 'Mathematics'),
    ('phys', 'Physics'), ('physic', 'Physics'),
    ('chem', 'Chemistry'),
    ('bio', 'Biology'), ('botany', 'Biology'), ('zoology', 'Biology')
on conflict do nothing;

insert into qgen_topics (subject, position, topic, description) values
    ('Mathematics', 1, 'Sets, Relations and Functions', 'Sets, union, intersection and complement, power set; relations, equivalence relations; functions, one-one and onto functions, composition of functions.'),
    ('Mathematics', 2, 'Complex Numbers and Quadratic Equations', 'Complex numbers a + ib, Argand plane, modulus and argument; quadratic equations, nature of roots, relations between roots and coefficients.'),
    ('Mathematics', 3, 'Matrices and Determinants', 'Matrices and their algebra, determinants of order two and three, adjoint and inverse, area of a triangle, solving simultaneous linear equations.'),
    ('Mathematics', 4, 'Permutations and Combinations', 'Fundamental principle of counting, permutations and combinations, P(n, r) and C(n, r), arrangements and selections.'),
    ('Mathematics', 5, 'Binomial Theorem and its Simple Applications', 'Binomial theorem for a positive integral index, general term, middle term, binomial coefficients.'),
    ('Mathematics', 6, 'Sequence and Series', 'Arithmetic and geometric progressions, arithmetic and geometric means, sums of n terms, relation between AM and GM.'),
    ('Mathematics', 7, 'Limit, Continuity and Differentiability', 'Real functions and their graphs, limits, continuity, derivatives of sums, products, quotients, composite and implicit functions, rate of change, monotonic functions, maxima and minima.'),
    ('Mathematics', 8, 'Integral Calculus', 'Integration as an antiderivative, substitution, by parts, partial fractions, definite integrals and their properties, areas under curves.'),
    ('Mathematics', 9, 'Differential Equations', 'Order and degree, solving differential equations by separation of variables, homogeneous and linear first-order equations.'),
    ('Mathematics', 10, 'Co-ordinate Geometry', 'Cartesian coordinates, distance and section formulae, straight lines, circles, parabola, ellipse and hyperbola.'),
    ('Mathematics', 11, 'Three Dimensional Geometry', 'Coordinates of a point in space, direction ratios and cosines, lines and planes in space, angle and shortest distance between lines.'),
    ('Mathematics', 12, 'Vector Algebra', 'Vectors and scalars, addition, components in two and three dimensions, scalar (dot) product, vector (cross) product, scalar triple product.'),
    ('Mathematics', 13, 'Statistics and Probability', 'Mean, median, mode, variance and standard deviation; probability of events, addition and multiplication rules, conditional probability, Bayes theorem, random variables.'),
    ('Mathematics', 14, 'Trigonometry', 'Trigonometric ratios, identities and equations, inverse trigonometric functions and their properties.'),

    ('Physics', 1, 'Units and Measurements', 'SI units, fundamental and derived units, least count, significant figures, errors in measurement, dimensions and dimensional analysis.'),
    ('Physics', 2, 'Kinematics', 'Motion in a straight line, speed, velocity and acceleration, position-time and velocity-time graphs, vectors, relative velocity, projectile motion, uniform circular motion.'),
    ('Physics', 3, 'Laws of Motion', 'Force and inertia, Newton''s laws, momentum and impulse, conservation of linear momentum, friction, centripetal force, banked roads.'),
    ('Physics', 4, 'Work, Energy and Power', 'Work by constant and variable forces, kinetic and potential energy, work-energy theorem, power, spring energy, conservation of mechanical energy, collisions.'),
    ('Physics', 5, 'Rotational Motion', 'Centre of mass, torque, angular momentum and its conservation, moment of inertia, radius of gyration, parallel and perpendicular axes theorems, rolling.'),
    ('Physics', 6, 'Gravitation', 'Universal law of gravitation, acceleration due to gravity with altitude and depth, Kepler''s laws, gravitational potential energy, escape velocity, satellites.'),
    ('Physics', 7, 'Properties of Solids and Liquids', 'Elasticity, Hooke''s law, Young''s and bulk modulus, pressure in fluids, Pascal''s law, viscosity, Stokes'' law, Bernoulli''s principle, surface tension, heat transfer, calorimetry.'),
    ('Physics', 8, 'Thermodynamics', 'Thermal equilibrium, heat, work and internal energy, first and second laws of thermodynamics, isothermal and adiabatic processes, heat engines.'),
    ('Physics', 9, 'Kinetic Theory of Gases', 'Equation of state of a perfect gas, work on compressing a gas, kinetic theory, RMS speed, degrees of freedom, equipartition of energy, mean free path.'),
    ('Physics', 10, 'Oscillations and Waves', 'Simple harmonic motion, spring and pendulum oscillations, energy in SHM, wave motion, speed of waves, superposition, standing waves in strings and pipes, beats.'),
    ('Physics', 11, 'Electrostatics', 'Electric charges, Coulomb''s law, electric field and field lines, dipoles, Gauss''s law, electric potential, capacitors and dielectrics, energy stored in a capacitor.'),
    ('Physics', 12, 'Current Electricity', 'Electric current, drift velocity, Ohm''s law, resistivity, series and parallel resistors, electrical energy and power, EMF and internal resistance, Kirchhoff''s laws, Wheatstone bridge, meter bridge.'),
    ('Physics', 13, 'Magnetic Effects of Current and Magnetism', 'Biot-Savart law, Ampere''s law, force on charges and currents in magnetic fields, cyclotron, torque on a current loop, galvanometer, bar magnets, para-, dia- and ferromagnetism.'),
    ('Physics', 14, 'Electromagnetic Induction and Alternating Currents', 'Faraday''s law, induced EMF and current, Lenz''s law, eddy currents, self and mutual inductance, alternating currents, reactance and impedance, LCR circuits, resonance, transformers.'),
    ('Physics', 15, 'Electromagnetic Waves', 'Displacement current, characteristics of electromagnetic waves, the electromagnetic spectrum from radio waves to gamma rays and their uses.'),
    ('Physics', 16, 'Optics', 'Reflection and refraction of light, mirrors and lenses, total internal reflection, prisms, microscopes and telescopes, wavefronts, Huygens principle, interference, Young''s double slit, diffraction, polarisation.'),
    ('Physics', 17, 'Dual Nature of Matter and Radiation', 'Photoelectric effect, Einstein''s photoelectric equation, particle nature of light, matter waves, de Broglie wavelength.'),
    ('Physics', 18, 'Atoms and Nuclei', 'Rutherford''s model, Bohr model, energy levels and hydrogen spectrum, nuclear composition and size, mass defect, binding energy, nuclear fission and fusion.'),
    ('Physics', 19, 'Electronic Devices', 'Semiconductors, p-n junction diodes and their characteristics, rectifiers, Zener diode, logic gates.'),
    ('Physics', 20, 'Experimental Skills', 'Laboratory experiments: vernier calipers, screw gauge, simple pendulum, metre scale, Young''s modulus, surface tension, viscosity, resonance tube, specific heat, resistivity, focal length, diode characteristics.'),

    ('Chemistry', 1, 'Some Basic Concepts in Chemistry', 'Matter, Dalton''s atomic theory, atoms and molecules, laws of chemical combination, atomic and molecular masses, mole concept, molar mass, empirical and molecular formulae, stoichiometry.'),
    ('Chemistry', 2, 'Atomic Structure', 'Electromagnetic radiation, photoelectric effect, hydrogen spectrum, Bohr model, dual nature of matter, uncertainty principle, quantum numbers, shapes of orbitals, Aufbau, Pauli and Hund''s rules, electronic configuration.'),
    ('Chemistry', 3, 'Chemical Bonding and Molecular Structure', 'Ionic and covalent bonds, lattice enthalpy, electronegativity, dipole moment, VSEPR theory and molecular shapes, valence bond theory, hybridisation, molecular orbital theory, hydrogen bonding.'),
    ('Chemistry', 4, 'Chemical Thermodynamics', 'System and surroundings, state functions, first law, internal energy and enthalpy, Hess''s law, enthalpies of reactions, second law, entropy, Gibbs energy and spontaneity.'),
    ('Chemistry', 5, 'Solutions', 'Concentration as molarity, molality and mole fraction, vapour pressure, Raoult''s law, ideal and non-ideal solutions, colligative properties, osmotic pressure, van''t Hoff factor.'),
    ('Chemistry', 6, 'Equilibrium', 'Physical and chemical equilibrium, law of mass action, Kp and Kc, Le Chatelier''s principle, ionic equilibrium, acids and bases, pH, buffer solutions, solubility product, common ion effect.'),
    ('Chemistry', 7, 'Redox Reactions and Electrochemistry', 'Oxidation and reduction, oxidation numbers, balancing redox reactions, electrolytic and metallic conductance, Kohlrausch''s law, electrochemical cells, electrode potentials, Nernst equation, Gibbs energy and EMF.'),
    ('Chemistry', 8, 'Chemical Kinetics', 'Rate of reaction and factors affecting it, rate law, order and molecularity, integrated rate equations for zero and first order, half-life, Arrhenius equation, activation energy.'),
    ('Chemistry', 9, 'Classification of Elements and Periodicity in Properties', 'Modern periodic law and table, s, p, d and f blocks, periodic trends in atomic and ionic radii, ionization enthalpy, electron gain enthalpy, valence, oxidation states.'),
    ('Chemistry', 10, 'p-Block Elements', 'Group 13 to group 18 elements: electronic configuration, trends in physical and chemical properties, unique behaviour of the first element of each group.'),
    ('Chemistry', 11, 'd- and f-Block Elements', 'Transition elements, their properties and trends, potassium dichromate and permanganate, lanthanoids and actinoids, lanthanoid contraction.'),
    ('Chemistry', 12, 'Co-ordination Compounds', 'Werner''s theory, ligands, coordination number, IUPAC nomenclature of coordination compounds, isomerism, valence bond and crystal field theories, colour and magnetic properties.'),
    ('Chemistry', 13, 'Purification and Characterisation of Organic Compounds', 'Crystallisation, sublimation, distillation, chromatography; qualitative tests for nitrogen, sulphur, phosphorus and halogens; quantitative analysis, empirical and molecular formulae of organic compounds.'),
    ('Chemistry', 14, 'Some Basic Principles of Organic Chemistry', 'Tetravalency of carbon, hybridisation, functional groups, homologous series, isomerism, IUPAC nomenclature, inductive and resonance effects, carbocations, carbanions, free radicals, types of organic reactions.'),
    ('Chemistry', 15, 'Hydrocarbons', 'Alkanes, alkenes and alkynes: preparation, properties and reactions, conformations, geometrical isomerism, Markovnikov and peroxide effect; aromatic hydrocarbons, benzene, electrophilic substitution.'),
    ('Chemistry', 16, 'Organic Compounds Containing Halogens', 'Haloalkanes and haloarenes: preparation, properties, nucleophilic substitution mechanisms, uses of chloroform, iodoform, freons and DDT.'),
    ('Chemistry', 17, 'Organic Compounds Containing Oxygen', 'Alcohols, phenols and ethers; aldehydes and ketones, nucleophilic addition, aldol condensation, Cannizzaro reaction; carboxylic acids and their acidity.'),
    ('Chemistry', 18, 'Organic Compounds Containing Nitrogen', 'Amines: nomenclature, classification, structure, basic character and identification of primary, secondary and tertiary amines; diazonium salts and their uses.'),
    ('Chemistry', 19, 'Biomolecules', 'Carbohydrates, monosaccharides and glucose, proteins and amino acids, peptide bond, structure of proteins, vitamins, nucleic acids DNA and RNA, hormones.'),
    ('Chemistry', 20, 'Principles Related to Practical Chemistry', 'Detection of elements and functional groups, preparation of inorganic and organic compounds, titrations, qualitative salt analysis of cations and anions, enthalpy and rate experiments.'),

    ('Biology', 1, 'Diversity in Living World', 'What is living, biodiversity, taxonomy and systematics, binomial nomenclature, five kingdom classification, monera, protista, fungi, lichens, viruses, algae, bryophytes, pteridophytes, gymnosperms, classification of animals.'),
    ('Biology', 2, 'Structural Organisation in Animals and Plants', 'Morphology and anatomy of flowering plants, root, stem, leaf, flower, fruit and seed, plant families; animal tissues, morphology and organ systems of the frog.'),
    ('Biology', 3, 'Cell Structure and Function', 'Cell theory, prokaryotic and eukaryotic cells, cell membrane and wall, organelles, nucleus; biomolecules, enzymes; cell cycle, mitosis and meiosis.'),
    ('Biology', 4, 'Plant Physiology', 'Photosynthesis, light and dark reactions, C3 and C4 pathways, photorespiration; respiration in plants, glycolysis, Krebs cycle; plant growth and development, plant growth regulators.'),
    ('Biology', 5, 'Human Physiology', 'Breathing and respiration, body fluids and circulation, blood, heart, excretion and kidneys, locomotion and movement, muscles and skeleton, neural control, the nervous system, endocrine glands and hormones.'),
    ('Biology', 6, 'Reproduction', 'Sexual reproduction in flowering plants, pollination, double fertilisation; human reproductive system, gametogenesis, menstrual cycle, fertilisation, embryo development, reproductive health and contraception.'),
    ('Biology', 7, 'Genetics and Evolution', 'Mendelian inheritance, deviations from Mendelism, chromosomal theory, linkage, sex determination, genetic disorders, DNA as genetic material, replication, transcription, genetic code, translation, gene expression, human genome; origin of life, evidence and theories of evolution.'),
    ('Biology', 8, 'Biology and Human Welfare', 'Health and disease, pathogens, parasites causing human diseases such as malaria, dengue and typhoid, immunity, vaccines, cancer, HIV and AIDS, drug and alcohol abuse; microbes in human welfare.'),
    ('Biology', 9, 'Biotechnology and Its Applications', 'Principles and processes of biotechnology, genetic engineering, recombinant DNA technology, applications in health and agriculture, human insulin, gene therapy, genetically modified organisms, biosafety.'),
    ('Biology', 10, 'Ecology and Environment', 'Organisms and populations, population interactions, ecosystems, productivity, decomposition, energy flow, ecological pyramids; biodiversity and its conservation, hotspots, endangered species, sacred groves.')
on conflict do nothing;

------------------------------------------------------------------------------------------------
-- Rows written before the catalogue: under the canonical subject.
------------------------------------------------------------------------------------------------
update question_requests r set subject = c.subject
  from (select distinct subject as old, qgen_canonical_subject(subject) as subject from question_requests) c
 where r.subject = c.old and c.subject is not null and c.subject <> c.old;

update question_disputes d set subject = c.subject
  from (select distinct subject as old, qgen_canonical_subject(subject) as subject from question_disputes) c
 where d.subject = c.old and c.subject is not null and c.subject <> c.old;

-- A question's dedupe scope names its subject (service/bank.py scope_key: 'subject:<s>' or 'topic:<s>/<t>',
-- <s> lower case): the scope moves with the subject, so that old and new questions of one subject are
-- compared. Two old rows that meet in one scope with the same text hash (the same question stored under
-- 'Maths' and under 'Mathematics') cannot share it (questions_scope_hash_key): the later keeps its old scope.
with moved as (
    select q.id, c.subject,
           case when q.scope_key = 'subject:' || qgen_subject_key(q.subject) then 'subject:' || lower(c.subject)
                when left(q.scope_key, length('topic:' || qgen_subject_key(q.subject) || '/')) = 'topic:' || qgen_subject_key(q.subject) || '/'
                    then 'topic:' || lower(c.subject) || substr(q.scope_key, length('topic:' || qgen_subject_key(q.subject)) + 1)
                else q.scope_key end as scope_key,
           q.text_hash, q.created_at
      from questions q
      join (select distinct subject as old, qgen_canonical_subject(subject) as subject from questions) c on c.old = q.subject
     where c.subject is not null and c.subject <> c.old
), ranked as (
    select m.*, row_number() over (partition by m.scope_key, m.text_hash order by m.created_at, m.id) as n
      from moved m
)
update questions q
   set subject = r.subject,
       scope_key = case when r.n = 1 and not exists (select 1 from questions o where o.scope_key = r.scope_key
                                                                          and o.text_hash = r.text_hash and o.id <> q.id)
                        then r.scope_key else q.scope_key end
  from ranked r
 where q.id = r.id;

update question_rejects x
   set scope_key = 'subject:' || lower(qgen_canonical_subject(substr(x.scope_key, 9)))
 where x.scope_key like 'subject:%'
   and lower(qgen_canonical_subject(substr(x.scope_key, 9))) <> substr(x.scope_key, 9);
