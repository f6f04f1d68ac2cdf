import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A story category (migration Stories): fixed by migrations, read by CategoriesService. */
@Entity('categories')
export class Category {
  @PrimaryColumn('text')
  slug: string;

  @Column('text')
  name: string;

  @Column('text')
  description: string;

  @Column('int')
  position: number;
}
